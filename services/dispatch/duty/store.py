"""The only module that talks to MongoDB for duty: the roster (`duty_shifts`), swap
requests (`duty_swaps`), pages (`duty_pages`, with their outbox to duty.pages) and the
handover logs (`duty_logs`). Every change is one guarded single-document write, so a
repeated event, a second instance or a double click changes nothing twice.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.events import DutyPage
from libs.common.outbox import OutboxRelay, entry
from libs.common.topics import DUTY_PAGES
from services.dispatch.duty.handover import DutyLog, Note
from services.dispatch.duty.paging import Page
from services.dispatch.duty.roster import Shift, SwapRequest

HIDDEN = {"_outbox": 0}


def _doc(model: Any, id_field: str) -> dict[str, Any]:
    data = model.model_dump()
    return {"_id": data.pop(id_field), **data}


def _model(cls: Any, doc: dict[str, Any] | None, id_field: str) -> Any:
    if doc is None:
        return None
    data = {k: v for k, v in doc.items() if not k.startswith("_")}
    return cls.model_validate({id_field: doc["_id"], **data})


class DutyStore:
    def __init__(self, db: AsyncDatabase, relay: OutboxRelay | None = None) -> None:
        self.shifts = db["duty_shifts"]
        self.swaps = db["duty_swaps"]
        self.pages = db["duty_pages"]
        self.logs = db["duty_logs"]
        self.relay = relay
        if relay is not None:
            relay.watch(self.pages)

    async def create_indexes(self) -> None:
        await self.shifts.create_index([("starts_at", ASCENDING)])
        await self.swaps.create_index([("status", ASCENDING), ("shift_id", ASCENDING)])
        await self.pages.create_index([("status", ASCENDING), ("escalate_at", ASCENDING)])
        await self.pages.create_index([("opened_at", DESCENDING)])
        await self.logs.create_index([("starts_at", DESCENDING)])

    # roster
    async def plan_shift(self, shift: Shift) -> None:
        """Who is on a shift (排班); check-ins already made are kept."""
        doc = _doc(shift, "shift_id")
        doc.pop("checkins")
        await self.shifts.update_one({"_id": shift.shift_id}, {"$set": doc, "$setOnInsert": {"checkins": {}}}, upsert=True)

    async def shift(self, shift_id: str) -> Shift | None:
        return _model(Shift, await self.shifts.find_one({"_id": shift_id}), "shift_id")

    async def shifts_between(self, start: datetime, end: datetime) -> list[Shift]:
        cursor = self.shifts.find({"starts_at": {"$gte": start, "$lt": end}}).sort("starts_at", ASCENDING)
        return [_model(Shift, doc, "shift_id") async for doc in cursor]

    async def check_in(self, shift_id: str, level: str, at: datetime) -> bool:
        result = await self.shifts.update_one({"_id": shift_id, f"checkins.{level}": {"$exists": False}},
                                              {"$set": {f"checkins.{level}": at}})
        return result.modified_count == 1

    # swaps
    async def request_swap(self, swap: SwapRequest) -> bool:
        try:
            await self.swaps.insert_one(_doc(swap, "swap_id"))
        except DuplicateKeyError:
            return False
        return True

    async def swap(self, swap_id: str) -> SwapRequest | None:
        return _model(SwapRequest, await self.swaps.find_one({"_id": swap_id}), "swap_id")

    async def pending_swaps(self) -> list[SwapRequest]:
        cursor = self.swaps.find({"status": "pending"}).sort("requested_at", ASCENDING)
        return [_model(SwapRequest, doc, "swap_id") async for doc in cursor]

    async def decide_swap(self, swap: SwapRequest, *, approve: bool, by: str, at: datetime) -> bool:
        """Marks the request decided, then (approved) hands the role over, guarded by the holder
        still holding it: a roster changed meanwhile leaves the shift as it is."""
        status = "approved" if approve else "rejected"
        result = await self.swaps.update_one({"_id": swap.swap_id, "status": "pending"},
                                             {"$set": {"status": status, "decided_by": by, "decided_at": at}})
        if result.modified_count != 1:
            return False
        if approve:
            moved = await self.shifts.update_one({"_id": swap.shift_id, swap.level: swap.holder},
                                                 {"$set": {swap.level: swap.taker}})
            if moved.modified_count != 1:
                await self.swaps.update_one({"_id": swap.swap_id}, {"$set": {"status": "rejected",
                                                                             "reason": "排班已变动，未调换"}})
                return False
        return True

    # pages
    def _staged(self, page_id: str, events: list[DutyPage]) -> None:
        if self.relay is not None and events:
            self.relay.staged_events(self.pages, page_id, [(e, DUTY_PAGES) for e in events])

    async def open_page(self, page: Page, event: DutyPage) -> bool:
        """Once per page id: False when it was opened before (by a repeat or another instance)."""
        try:
            await self.pages.insert_one(_doc(page, "page_id") | {"_outbox": [entry(event, DUTY_PAGES)]})
        except DuplicateKeyError:
            return False
        self._staged(page.page_id, [event])
        return True

    async def change_page(self, before: Page, after: Page, event: DutyPage) -> bool:
        """Guarded by the page as it was read (status, level, steps so far)."""
        guard = {"_id": before.page_id, "status": before.status, "level": before.level,
                 "notices": {"$size": len(before.notices)}}
        doc = _doc(after, "page_id")
        doc.pop("_id")
        result = await self.pages.update_one(guard, {"$set": doc, "$push": {"_outbox": entry(event, DUTY_PAGES)}})
        if result.modified_count != 1:
            return False
        self._staged(after.page_id, [event])
        return True

    async def page(self, page_id: str) -> Page | None:
        return _model(Page, await self.pages.find_one({"_id": page_id}, HIDDEN), "page_id")

    async def open_pages(self) -> list[Page]:
        """Pages not yet acknowledged or resolved (few: the staff on duty act on them)."""
        cursor = self.pages.find({"status": {"$in": ["open", "acknowledged"]}}, HIDDEN).sort("opened_at", DESCENDING)
        return [_model(Page, doc, "page_id") async for doc in cursor]

    async def pages_between(self, start: datetime, end: datetime, limit: int = 500) -> list[Page]:
        cursor = self.pages.find({"opened_at": {"$gte": start, "$lt": end}}, HIDDEN).sort("opened_at", DESCENDING)
        return [_model(Page, doc, "page_id") async for doc in cursor.limit(limit)]

    # handover logs
    async def add_note(self, shift_id: str, note: Note, slot: dict[str, Any]) -> bool:
        """A note of the outgoing staff, before the log is acknowledged (a draft may not exist yet)."""
        try:
            result = await self.logs.update_one({"_id": shift_id, "acknowledged_at": None},
                                                {"$push": {"notes": note.model_dump()}, "$setOnInsert": slot},
                                                upsert=True)
        except DuplicateKeyError:
            return False  # acknowledged already
        return result.modified_count == 1 or result.upserted_id is not None

    async def save_draft(self, log: DutyLog) -> bool:
        """The system's draft, once per shift; notes added before it are kept."""
        doc = log.model_dump(mode="python", exclude={"notes", "acknowledged_by", "acknowledged_at"})
        doc.pop("shift_id")
        doc["digest"] = [d.model_dump(mode="json") for d in log.digest]  # its days are dates, which BSON lacks
        try:
            result = await self.logs.update_one({"_id": log.shift_id, "drafted_at": None},
                                                {"$set": doc, "$setOnInsert": {"notes": []}}, upsert=True)
        except DuplicateKeyError:
            return False
        return result.modified_count == 1 or result.upserted_id is not None

    async def acknowledge_log(self, shift_id: str, who: str, at: datetime) -> bool:
        result = await self.logs.update_one({"_id": shift_id, "acknowledged_at": None, "drafted_at": {"$ne": None}},
                                            {"$set": {"acknowledged_by": who, "acknowledged_at": at}})
        return result.modified_count == 1

    async def log_doc(self, shift_id: str) -> dict[str, Any] | None:
        return await self.logs.find_one({"_id": shift_id})

    async def log(self, shift_id: str) -> DutyLog | None:
        doc = await self.log_doc(shift_id)
        return _model(DutyLog, doc, "shift_id") if doc and doc.get("drafted_at") else None

    async def recent_logs(self, limit: int = 60) -> list[dict[str, Any]]:
        cursor = self.logs.find({}).sort("starts_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]

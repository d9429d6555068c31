"""The only module of dispatch that talks to MongoDB: cases, with their outbox.

Each change is one guarded single-document update: the guard (status, dispatch_no, an
action id not yet applied) makes a repeated message or tick a no-op.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.outbox import entry
from services.dispatch.announce import Outgoing
from services.dispatch.casefile import OPEN_STATUSES


def _outbox(events: Outgoing) -> list[dict[str, Any]]:
    return [entry(event, topic) for event, topic in events]


class DispatchStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.cases = db["cases"]
        self.meta = db["meta"]

    async def create_indexes(self) -> None:
        await self.cases.create_index([("status", ASCENDING), ("deadline_at", ASCENDING)])
        await self.cases.create_index([("department_code", ASCENDING)])

    async def get(self, case_id: str) -> dict[str, Any] | None:
        return await self.cases.find_one({"_id": case_id}, {"_outbox": 0})

    async def insert(self, doc: dict[str, Any], events: Outgoing) -> bool:
        try:
            await self.cases.insert_one(doc | {"_outbox": _outbox(events)})
            return True
        except DuplicateKeyError:
            return False

    async def add_report(self, case_id: str, report: dict[str, Any], events: Outgoing) -> bool:
        result = await self.cases.update_one(
            {"_id": case_id, "reports.report_id": {"$ne": report["report_id"]}},
            {"$push": {"reports": report, "_outbox": {"$each": _outbox(events)}}},
        )
        return result.modified_count == 1

    async def apply(self, case_id: str, guard: dict[str, Any], change: dict[str, Any], events: Outgoing) -> bool:
        """A guarded change with the events it produces, atomically."""
        change = dict(change)
        if events:
            change["$push"] = {**change.get("$push", {}), "_outbox": {"$each": _outbox(events)}}
        result = await self.cases.update_one({"_id": case_id, **guard}, change)
        return result.modified_count == 1

    async def open_cases(self) -> list[dict[str, Any]]:
        cursor = self.cases.find({"status": {"$in": list(OPEN_STATUSES)}}, {"_outbox": 0})
        return [doc async for doc in cursor]

    async def record_digest(self, day: str, at: datetime, events: Outgoing) -> bool:
        """Stores the day's 09:00 digest with its events, once per day whatever the restarts."""
        try:
            await self.meta.insert_one({"_id": f"digest:{day}", "at": at, "_outbox": _outbox(events)})
            return True
        except DuplicateKeyError:
            return False

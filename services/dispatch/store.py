"""The only module of dispatch that talks to MongoDB: cases, with their outbox and history.

Each change is one guarded single-document update: the guard (status, dispatch_no, an
action id not yet applied) makes a repeated message or tick a no-op. The events a change
produces go into the same update (outbox), and the case events among them also into the
case's `history`, which the operator API shows; every write that stored events hands them
to the relay, which publishes them at once.

Reads on the hot path are by `_id`. The chase and the re-check find their work in queues of
their own (libs/common/due_queue.py), kept here: every write that gives a case a deadline or
a pending re-check schedules the case's entry first, in the same call, so no caller can
forget it. Only the gauges, the 09:00 digest and the repair at start read every open case
(a scan, on slow timers).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from libs.common.consumer import PermanentError
from libs.common.due_queue import DueQueue
from libs.common.events import CaseEvent
from libs.common.inbox import DUPLICATE_KEY
from libs.common.outbox import OutboxRelay, entry
from services.dispatch.announce import Outgoing
from services.dispatch.casefile import OPEN_STATUSES, chase_from, recheck_from

HIDDEN = {"_outbox": 0}
# What the chase plans from (casefile.open_case) and its gauges count: never the reports.
BRIEF = {"route.department": 1, "severity": 1, "dispatched_at": 1, "deadline_at": 1, "reminder_at": 1, "reminded": 1,
         "overdue_notified": 1, "escalated_to": 1, "department_code": 1, "dispatch_no": 1, "status": 1}


class CaseChanged(Exception):
    """The case moved between read and guarded write: the consumer's retry reads it again."""


def require(case: dict[str, Any] | None, case_id: str) -> dict[str, Any]:
    if case is None:
        raise PermanentError(f"no case {case_id}")  # an answer about nothing: DLQ, for a person to look at
    return case


def _outbox(events: Outgoing) -> list[dict[str, Any]]:
    return [entry(event, topic) for event, topic in events]


def _history(events: Outgoing) -> list[dict[str, Any]]:
    return [{"event_id": e.event_id, "at": e.occurred_at, "kind": e.kind, "department_code": e.department_code,
             "severity": e.severity, "detail": e.detail, "data": e.data}
            for e, _ in events if isinstance(e, CaseEvent)]


def _pushes(events: Outgoing) -> dict[str, Any]:
    return {"_outbox": {"$each": _outbox(events)}, "history": {"$each": _history(events)}}


class DispatchStore:
    def __init__(self, db: AsyncDatabase, relay: OutboxRelay | None = None) -> None:
        self.cases = db["cases"]
        self.meta = db["meta"]
        self.rebuttals = db["rebuttals"]  # first publication per claim, for the upward reports
        self.corrections = db["corrections"]  # the review queue's labelled examples, for triage's training
        self.chase_queue = DueQueue(db["chase_queue"])  # open cases, at their next reminder or deadline
        self.recheck_queue = DueQueue(db["recheck_queue"])  # cases with a pending re-check, at its time
        self.relay = relay
        if relay is not None:
            relay.watch(self.cases)
            relay.watch(self.meta)

    def _staged(self, collection: Any, doc_id: str, events: Outgoing) -> None:
        if self.relay is not None and events:
            self.relay.staged_events(collection, doc_id, events)

    async def create_indexes(self) -> None:
        await self.cases.create_index([("status", ASCENDING), ("deadline_at", ASCENDING)])
        await self.cases.create_index([("department_code", ASCENDING), ("status", ASCENDING)])
        await self.cases.create_index([("recheck.state", ASCENDING), ("recheck.at", ASCENDING)])  # the requeue at start
        await self.chase_queue.create_indexes()
        await self.recheck_queue.create_indexes()

    async def _schedule(self, changes: list[tuple[str, dict[str, Any]]]) -> None:
        """Queue entries for the writes about to be made (case id, the fields each sets)."""
        await self.chase_queue.schedule({key: at for key, fields in changes if (at := chase_from(fields))})
        await self.recheck_queue.schedule({key: at for key, fields in changes if (at := recheck_from(fields))})

    async def record_rebuttal(self, claim_id: str, rebuttal_id: str | None, published_at: datetime) -> None:
        """Idempotent: the earliest publication of a claim's rebuttal is what the reports count."""
        await self.rebuttals.update_one({"_id": claim_id}, {"$min": {"published_at": published_at},
                                                           "$setOnInsert": {"rebuttal_id": rebuttal_id}}, upsert=True)

    async def get(self, case_id: str) -> dict[str, Any] | None:
        return await self.cases.find_one({"_id": case_id}, HIDDEN)

    async def get_many(self, case_ids: list[str]) -> dict[str, dict[str, Any]]:
        cursor = self.cases.find({"_id": {"$in": case_ids}}, HIDDEN)
        return {doc["_id"]: doc async for doc in cursor}

    async def insert(self, doc: dict[str, Any], events: Outgoing) -> bool:
        return doc["_id"] in await self.insert_many([(doc, events)])

    async def insert_many(self, new: list[tuple[dict[str, Any], Outgoing]]) -> set[str]:
        """New cases with their events, in one insert; returns the ids stored now (a case
        id that exists already, made by another instance or before a crash, is not)."""
        if not new:
            return set()
        await self._schedule([(doc["_id"], doc) for doc, _ in new])
        docs = [doc | {"_outbox": _outbox(events), "history": _history(events)} for doc, events in new]
        failed: set[int] = set()
        try:
            await self.cases.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(err.get("code") != DUPLICATE_KEY for err in errors):
                raise
            failed = {err["index"] for err in errors}
        stored = set()
        for i, (doc, events) in enumerate(new):
            if i not in failed:
                stored.add(doc["_id"])
                self._staged(self.cases, doc["_id"], events)
        return stored

    async def add_report(self, case_id: str, report: dict[str, Any], urls: list[str], events: Outgoing,
                         guard: dict[str, Any] | None = None, change: dict[str, Any] | None = None) -> bool:
        """A report joins the case, once; with `change`, the case moves in the same update."""
        update: dict[str, Any] = {"$push": {"reports": report, **_pushes(events)}}
        if urls:
            update["$addToSet"] = {"target_urls": {"$each": urls}}
        if change:
            update["$set"] = change
            await self._schedule([(case_id, change)])
        result = await self.cases.update_one(
            {"_id": case_id, "reports.report_id": {"$ne": report["report_id"]}, **(guard or {})}, update)
        if result.modified_count == 1:
            self._staged(self.cases, case_id, events)
            return True
        return False

    async def apply(self, case_id: str, guard: dict[str, Any], change: dict[str, Any], events: Outgoing) -> bool:
        """A guarded change with the events it produces, atomically."""
        change = dict(change)
        if "$set" in change:
            await self._schedule([(case_id, change["$set"])])
        if events:
            change["$push"] = {**change.get("$push", {}), **_pushes(events)}
        result = await self.cases.update_one({"_id": case_id, **guard}, change)
        if result.modified_count == 1:
            self._staged(self.cases, case_id, events)
            return True
        return False

    async def open_cases(self) -> list[dict[str, Any]]:
        """Every open case, as the chase's small projection (BRIEF): a scan, for slow timers."""
        cursor = self.cases.find({"status": {"$in": list(OPEN_STATUSES)}}, BRIEF)
        return [doc async for doc in cursor]

    async def requeue_open_cases(self) -> int:
        """At start: queue the open cases stored before the chase queue existed, or whose entry
        a crash between the two writes lost (one scan); returns how many."""
        queued = await self.chase_queue.keys()
        missing = [(doc["_id"], doc) for doc in await self.open_cases() if doc["_id"] not in queued]
        await self._schedule(missing)
        return len(missing)

    async def requeue_rechecks(self) -> int:
        """At start, as `requeue_open_cases`, for the pending re-checks."""
        queued = await self.recheck_queue.keys()
        missing = [(doc["_id"], {"recheck": doc["recheck"]})
                   async for doc in self.cases.find({"recheck.state": "pending"}, {"recheck": 1})
                   if doc["_id"] not in queued]
        await self._schedule(missing)
        return len(missing)

    async def digest_recorded(self, day: str) -> bool:
        return await self.meta.find_one({"_id": f"digest:{day}"}, {"_id": 1}) is not None

    async def list_cases(self, *, department: str | None, open_only: bool, overdue_at: datetime | None,
                         limit: int) -> list[dict[str, Any]]:
        query: dict[str, Any] = {}
        if department:
            query["department_code"] = department
        if open_only or overdue_at:
            query["status"] = {"$in": list(OPEN_STATUSES)}
        if overdue_at:
            query["deadline_at"] = {"$lte": overdue_at}
        cursor = self.cases.find(query, {"_outbox": 0, "history": 0, "chase_done": 0, "feedback_events": 0})
        return [doc async for doc in cursor.sort("deadline_at", ASCENDING).limit(limit)]

    async def record_correction(self, correction_id: str, line: dict[str, Any], *, by: str, at: datetime) -> None:
        """Once per correction id (a repeated form post stores nothing new)."""
        try:
            await self.corrections.insert_one({"_id": correction_id, **line, "by": by, "at": at})
        except DuplicateKeyError:
            pass

    async def all_corrections(self) -> list[dict[str, Any]]:
        return [doc async for doc in self.corrections.find({}).sort("at", ASCENDING)]

    async def desk_cases(self, department: str, *, limit: int) -> list[dict[str, Any]]:
        """A department's desk: the cases it handles or supervises (督办), newest deadline last."""
        query = {"$or": [{"department_code": department}, {"escalated_to.code": department}]}
        cursor = self.cases.find(query, {"_outbox": 0, "history": 0, "chase_done": 0, "feedback_events": 0})
        return [doc async for doc in cursor.sort("deadline_at", ASCENDING).limit(limit)]

    async def record_digest(self, day: str, at: datetime, events: Outgoing) -> bool:
        """Stores the day's 09:00 digest with its events, once per day whatever the restarts."""
        try:
            await self.meta.insert_one({"_id": f"digest:{day}", "at": at, "_outbox": _outbox(events)})
        except DuplicateKeyError:
            return False
        self._staged(self.meta, f"digest:{day}", events)
        return True

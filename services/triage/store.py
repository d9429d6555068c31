"""The only module of triage that talks to MongoDB: cases and decisions.

A decision is stored under the report id before it is published, so a redelivered report
re-publishes the very same event (same ids) instead of being judged again.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.events import ReportTriaged
from services.triage.merge import CaseCandidate

RECENT_KEPT = 200  # report times kept per case for the volume rule


class TriageStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.cases = db["cases"]
        self.decisions = db["decisions"]

    async def create_indexes(self) -> None:
        await self.cases.create_index([("merge_keys", ASCENDING)])
        await self.cases.create_index([("report_ids", ASCENDING)])

    async def decision_of(self, report_id: str) -> ReportTriaged | None:
        doc = await self.decisions.find_one({"_id": report_id})
        return ReportTriaged.model_validate_json(doc["event"]) if doc else None

    async def save_decision(self, event: ReportTriaged) -> None:
        try:
            await self.decisions.insert_one({"_id": event.report.report_id, "case_id": event.case.case_id,
                                             "event": event.model_dump_json(), "at": event.occurred_at})
        except DuplicateKeyError:
            pass

    async def candidates(self, keys: Sequence[str], since: datetime) -> list[CaseCandidate]:
        if not keys:
            return []
        cursor = self.cases.find({"merge_keys": {"$in": list(keys)}, "updated_at": {"$gte": since}},
                                 {"merge_keys": 1, "signature": 1})
        return [CaseCandidate(d["_id"], frozenset(d.get("merge_keys", [])), d.get("signature")) async for d in cursor]

    async def open_case(self, case_id: str, report_id: str, keys: Sequence[str], signature: Sequence[int] | None,
                        now: datetime) -> None:
        try:
            await self.cases.insert_one({"_id": case_id, "report_ids": [report_id], "merge_keys": list(keys),
                                         "signature": list(signature) if signature else None,
                                         "recent": [now], "created_at": now, "updated_at": now})
        except DuplicateKeyError:
            pass  # redelivered: the case is there

    async def join_case(self, case_id: str, report_id: str, keys: Sequence[str], now: datetime) -> tuple[int, list[datetime]]:
        """Adds the report; returns the case's report count and recent report times after it."""
        before = await self.cases.find_one_and_update(
            {"_id": case_id},
            {"$addToSet": {"report_ids": report_id, "merge_keys": {"$each": list(keys)}},
             "$push": {"recent": {"$each": [now], "$slice": -RECENT_KEPT}}, "$set": {"updated_at": now}},
            return_document=ReturnDocument.BEFORE,
        )
        ids = before["report_ids"] if before else []
        count = len(ids) + (0 if report_id in ids else 1)
        return count, [*(before or {}).get("recent", []), now]

    async def case_stats(self, case_id: str) -> tuple[int, list[datetime]]:
        doc = await self.cases.find_one({"_id": case_id}, {"report_ids": 1, "recent": 1})
        return (len(doc["report_ids"]), doc.get("recent", [])) if doc else (1, [])


def since(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def within_hour(times: list[Any], now: datetime) -> int:
    start = now - timedelta(hours=1)
    return sum(1 for t in times if start <= t <= now)

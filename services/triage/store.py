"""The only module of triage that talks to MongoDB: cases, their keys and decisions.

A decision is stored under the report id before it is published, so a redelivered report
re-publishes the very same event (same ids) instead of being judged again.

Every read is by `_id`, a batch at a time: `case_keys` maps each merge key (URL, account,
text band) to the latest cases filed under it, so finding a report's candidate cases never
scans the growing `cases` collection (mongo-java-server has no secondary indexes; on a
real MongoDB these are point reads too).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from libs.common.events import ReportTriaged
from libs.common.inbox import DUPLICATE_KEY
from services.triage.casebook import RECENT_KEPT, BookCase, CaseBook

CASES_PER_KEY = 20  # the latest cases a key nominates: a key shared by more is no evidence


class TriageStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.cases = db["cases"]
        self.case_keys = db["case_keys"]
        self.decisions = db["decisions"]

    async def create_indexes(self) -> None:
        """None needed: every query is by `_id`."""

    async def decisions_of(self, report_ids: Sequence[str]) -> dict[str, ReportTriaged]:
        cursor = self.decisions.find({"_id": {"$in": list(report_ids)}}, {"event": 1})
        return {doc["_id"]: ReportTriaged.model_validate_json(doc["event"]) async for doc in cursor}

    async def decision_of(self, report_id: str) -> ReportTriaged | None:
        return (await self.decisions_of([report_id])).get(report_id)

    async def save_decisions(self, events: Sequence[ReportTriaged]) -> None:
        docs = [{"_id": e.report.report_id, "case_id": e.case.case_id, "event": e.model_dump_json(), "at": e.occurred_at}
                for e in events]
        await _insert_new(self.decisions, docs)

    async def load_book(self, keys: Sequence[str], since: datetime, also: Sequence[str] = ()) -> CaseBook:
        """The cases, active since `since`, that any of `keys` nominates, and the cases `also`
        (those the batch's reports would open: stored already if a crash came in between)."""
        book = CaseBook()
        if not keys and not also:
            return book
        key_docs = [doc async for doc in self.case_keys.find({"_id": {"$in": list(dict.fromkeys(keys))}}, {"case_ids": 1})]
        book.keys_known = {doc["_id"] for doc in key_docs}
        case_ids = list(dict.fromkeys([*(cid for doc in key_docs for cid in doc.get("case_ids", [])), *also]))
        if not case_ids:
            return book
        cursor = self.cases.find({"_id": {"$in": case_ids}},
                                 {"merge_keys": 1, "signature": 1, "report_count": 1, "report_ids": 1,
                                  "recent": 1, "updated_at": 1})
        async for doc in cursor:
            if doc.get("updated_at") and doc["updated_at"] < since:
                continue  # quiet for longer than the window: a new report opens a new case
            count = doc.get("report_count") or len(doc.get("report_ids", []))
            book.add(BookCase(doc["_id"], set(doc.get("merge_keys", [])), doc.get("signature"), count,
                              list(doc.get("recent", [])), report_ids=set(doc.get("report_ids", []))))
        return book

    async def save_book(self, book: CaseBook) -> None:
        """What the batch changed: new cases first, then joins, then the key index."""
        await _insert_new(self.cases, [
            {"_id": case.case_id, "report_ids": [report_id], "report_count": 1, "merge_keys": sorted(case.merge_keys),
             "signature": list(case.signature) if case.signature else None, "recent": [at], "created_at": at,
             "updated_at": at}
            for case, report_id, at in book.opened])
        joins = [UpdateOne(
            {"_id": j.case_id, "report_ids": {"$ne": j.report_id}},  # a redelivered join changes nothing
            {"$addToSet": {"report_ids": j.report_id, "merge_keys": {"$each": j.new_keys}},
             "$inc": {"report_count": 1},
             "$push": {"recent": {"$each": [j.at], "$slice": -RECENT_KEPT}}, "$max": {"updated_at": j.at}})
            for j in book.joined]
        if joins:
            await self.cases.bulk_write(joins, ordered=True)
        # Keys the index did not have are inserted (cheaper than upserts); one another instance
        # inserted meanwhile is appended to like a known key.
        taken = await _insert_new(self.case_keys, [{"_id": key, "case_ids": ids[-CASES_PER_KEY:]}
                                                   for key, ids in book.keys_added.items() if key not in book.keys_known])
        known = [UpdateOne({"_id": key}, {"$push": {"case_ids": {"$each": ids, "$slice": -CASES_PER_KEY}}})
                 for key, ids in book.keys_added.items() if key in book.keys_known or key in taken]
        if known:
            await self.case_keys.bulk_write(known, ordered=False)


async def _insert_new(collection, docs: list[dict]) -> set[str]:  # type: ignore[no-untyped-def,type-arg]
    """Insert, leaving documents stored before (a redelivery, another instance) as they are;
    returns the ids that were there already."""
    if not docs:
        return set()
    try:
        await collection.bulk_write([InsertOne(d) for d in docs], ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(err.get("code") != DUPLICATE_KEY for err in errors):
            raise
        return {docs[err["index"]]["_id"] for err in errors}
    return set()


def since(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)

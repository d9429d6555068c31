"""Reports: the status record, its sealed reporter data and its outbox, in one document.

A report, its sealed reporter data and the `reports.submitted` event waiting for the relay
are written in ONE insert, so a report acknowledged with 202 is never lost and always
reaches Kafka (outbox). Replies update the same document, once per reply event.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from libs.common.events import ReporterReply, ReportSubmitted
from libs.common.inbox import DUPLICATE_KEY
from libs.common.outbox import entry
from libs.common.topics import REPORTS_SUBMITTED
from services.intake.tracking import day_key, report_id_for
from services.intake.volunteers import Counts

FINAL_KINDS = ("invalid", "closed", "transferred", "rebuttal", "correction")
# What a reply says about the report itself (for volunteers' valid counts).
VERDICT_BY_KIND = {"invalid": "invalid", "dispatched": "valid", "closed": "valid"}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReportStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.reports = db["reports"]
        self.counters = db["counters"]

    async def create_indexes(self) -> None:
        await self.reports.create_index([("tracking_no", ASCENDING)], unique=True)
        await self.reports.create_index([("content.volunteer_id", ASCENDING)], sparse=True)
        await self.reports.create_index([("snapshot.state", ASCENDING), ("snapshot.next_at", ASCENDING)], sparse=True)

    async def next_sequence(self, day: datetime, count: int = 1) -> int:
        """The first of `count` consecutive numbers of the day (BEFORE: see tracking.py)."""
        return await self.allocate(f"tracking:{day_key(day)}", count)

    async def allocate(self, counter: str, count: int = 1) -> int:
        before = await self.counters.find_one_and_update(
            {"_id": counter}, {"$inc": {"n": count}}, upsert=True, return_document=ReturnDocument.BEFORE,
        )
        return (before or {}).get("n", 0) + 1

    def report_doc(self, *, event: ReportSubmitted, token_sha256: str, sealed_reporter: str | None,
                   extra: dict[str, Any] | None = None, snapshot_urls: list[str] | None = None) -> dict[str, Any]:
        """The stored report with its pending event (outbox), as one document."""
        report = event.report
        doc: dict[str, Any] = {
            "_id": report.report_id,
            "tracking_no": report.tracking_no,
            "token_sha256": token_sha256,
            "content": report.model_dump(mode="json"),
            "reporter_sealed": sealed_reporter,
            "status": "received",
            "submitted_at": report.submitted_at,
            "history": [{"at": report.submitted_at, "status": "received", "text": "已受理"}],
            "reply": None,
            "reply_events": [],
            "verdict": None,
            "case_closed": False,
            "_outbox": [entry(event, REPORTS_SUBMITTED)],
            **(extra or {}),
        }
        if snapshot_urls:
            doc["snapshot"] = {"state": "pending", "urls": snapshot_urls, "done": [], "next_at": report.submitted_at}
        return doc

    async def create_many(self, docs: list[dict[str, Any]]) -> None:
        """Store reports in one insert. A report id stored before (a resumed platform batch
        re-creating its reports) is left as it was; any other failure raises."""
        try:
            await self.reports.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(err.get("code") != DUPLICATE_KEY for err in exc.details.get("writeErrors", [])):
                raise

    async def get(self, *, tracking_no: str) -> dict[str, Any] | None:
        doc = await self.reports.find_one({"_id": report_id_for(tracking_no)}, {"_outbox": 0})
        return doc if doc is not None and doc.get("tracking_no") == tracking_no else None

    async def get_by_id(self, *, report_id: str) -> dict[str, Any] | None:
        return await self.reports.find_one({"_id": report_id}, {"_outbox": 0, "reporter_sealed": 0})

    async def get_many(self, *, report_ids: list[str]) -> dict[str, dict[str, Any]]:
        cursor = self.reports.find({"_id": {"$in": report_ids}}, {"_outbox": 0, "reporter_sealed": 0})
        return {doc["_id"]: doc async for doc in cursor}

    async def apply_reply(self, *, reply: ReporterReply) -> bool:
        """Record a reply once (idempotent by the reply's event id)."""
        return await self.apply_replies(replies=[reply]) == 1

    async def apply_replies(self, *, replies: list[ReporterReply]) -> int:
        """Record replies once each (idempotent by event id), in order, in one bulk write;
        returns how many were new."""
        if not replies:
            return 0
        result = await self.reports.bulk_write([_reply_update(reply) for reply in replies], ordered=True)
        return result.modified_count

    async def volunteer_counts(self, volunteer_id: str | None = None) -> dict[str, Counts]:
        """Counts per volunteer, derived from the reports themselves (always right, no counters
        to drift without transactions); one volunteer, or all of them for the ranking."""
        match: dict[str, Any] = {"content.volunteer_id": volunteer_id if volunteer_id else {"$ne": None}}
        pipeline = [
            {"$match": match},
            {"$group": {
                "_id": "$content.volunteer_id",
                "reports": {"$sum": 1},
                "valid": {"$sum": {"$cond": [{"$eq": ["$verdict", "valid"]}, 1, 0]}},
                "invalid": {"$sum": {"$cond": [{"$eq": ["$verdict", "invalid"]}, 1, 0]}},
                "accepted": {"$sum": {"$cond": [{"$eq": ["$case_closed", True]}, 1, 0]}},
            }},
        ]
        out: dict[str, Counts] = {}
        async for row in await self.reports.aggregate(pipeline):
            out[row["_id"]] = Counts(row["reports"], row["valid"], row["invalid"], row["accepted"])
        return out

    # ------------------------------------------------------------------ evidence snapshots

    async def claim_snapshot(self, *, now: datetime, lease: timedelta) -> dict[str, Any] | None:
        """One report whose target URLs wait to be fetched, leased so one worker takes it."""
        return await self.reports.find_one_and_update(
            {"snapshot.state": "pending", "snapshot.next_at": {"$lte": now}},
            {"$set": {"snapshot.next_at": now + lease}},
            projection={"snapshot": 1},
            return_document=ReturnDocument.BEFORE,
        )

    async def snapshot_url_done(self, *, report_id: str, url: str, seq: int) -> None:
        await self.reports.update_one({"_id": report_id}, {"$addToSet": {"snapshot.done": url, "snapshot.seqs": seq}})

    async def snapshot_finished(self, *, report_id: str) -> None:
        await self.reports.update_one({"_id": report_id}, {"$set": {"snapshot.state": "done"}})


def _reply_update(reply: ReporterReply) -> UpdateOne:
    change: dict[str, Any] = {
        "$push": {"history": {"at": reply.occurred_at, "status": reply.status or reply.kind, "text": reply.text}},
        "$addToSet": {"reply_events": reply.event_id},
    }
    sets: dict[str, Any] = {}
    if reply.status:
        sets["status"] = reply.status
    if reply.kind in FINAL_KINDS:
        sets["reply"] = reply.text
        if reply.link:
            sets["link"] = reply.link
    if verdict := VERDICT_BY_KIND.get(reply.kind):
        sets["verdict"] = verdict
    if reply.kind == "closed":
        sets["case_closed"] = True
    if sets:
        change["$set"] = sets
    return UpdateOne({"_id": reply.report_id, "reply_events": {"$ne": reply.event_id}}, change)

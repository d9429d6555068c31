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
        # Reports whose URLs wait to be snapshotted, and only those: the snapshot worker's
        # claim is a query on a field, which mongo-java-server answers by a scan, and a scan
        # of every stored report per report made intake slower the more it had stored.
        self.snapshot_queue = db["snapshot_queue"]

    async def create_indexes(self) -> None:
        await self.reports.create_index([("tracking_no", ASCENDING)], unique=True)
        await self.reports.create_index([("content.volunteer_id", ASCENDING)], sparse=True)
        await self.snapshot_queue.create_index([("next_at", ASCENDING)])

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
        # The queue first: an entry whose report was not stored is dropped by the worker,
        # while a report stored without its entry would never be snapshotted.
        await self._insert_new(self.snapshot_queue, [{"_id": d["_id"], "next_at": d["snapshot"]["next_at"]}
                                                     for d in docs if d.get("snapshot")])
        await self._insert_new(self.reports, docs)

    @staticmethod
    async def _insert_new(collection: Any, docs: list[dict[str, Any]]) -> None:
        if not docs:
            return
        try:
            await collection.insert_many(docs, ordered=False)
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

    async def requeue_pending_snapshots(self) -> int:
        """At start: queue the pending reports stored before the queue existed (one scan)."""
        queued = {d["_id"] async for d in self.snapshot_queue.find({}, {"_id": 1})}
        missing = [{"_id": d["_id"], "next_at": d["snapshot"].get("next_at")}
                   async for d in self.reports.find({"snapshot.state": "pending"}, {"snapshot.next_at": 1})
                   if d["_id"] not in queued]
        await self._insert_new(self.snapshot_queue, missing)
        return len(missing)

    async def claim_snapshot(self, *, now: datetime, lease: timedelta) -> dict[str, Any] | None:
        """One report whose target URLs wait to be fetched, leased so one worker takes it."""
        while True:
            job = await self.snapshot_queue.find_one_and_update(
                {"next_at": {"$lte": now}}, {"$set": {"next_at": now + lease}}, return_document=ReturnDocument.BEFORE)
            if job is None:
                return None
            doc = await self.reports.find_one({"_id": job["_id"]}, {"snapshot": 1})
            if doc is not None and (doc.get("snapshot") or {}).get("state") == "pending":
                return doc
            await self.snapshot_queue.delete_one({"_id": job["_id"]})  # its report was never stored, or is done

    async def snapshot_url_done(self, *, report_id: str, url: str, seq: int) -> None:
        await self.reports.update_one({"_id": report_id}, {"$addToSet": {"snapshot.done": url, "snapshot.seqs": seq}})

    async def snapshot_finished(self, *, report_id: str) -> None:
        await self.reports.update_one({"_id": report_id}, {"$set": {"snapshot.state": "done"}})
        await self.snapshot_queue.delete_one({"_id": report_id})


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

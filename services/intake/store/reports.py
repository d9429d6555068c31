"""The only module of intake that talks to MongoDB.

A report, its sealed reporter data and the `reports.submitted` event waiting for the relay
are written in ONE insert, so a report acknowledged with 202 is never lost and always
reaches Kafka (outbox).
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from libs.common.events import ReporterReply, ReportSubmitted
from libs.common.outbox import entry
from libs.common.topics import REPORTS_SUBMITTED
from services.intake.tracking import day_key


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IntakeStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db
        self.reports = db["reports"]
        self.counters = db["counters"]

    async def create_indexes(self) -> None:
        await self.reports.create_index([("tracking_no", ASCENDING)], unique=True)

    async def next_sequence(self, day: datetime) -> int:
        before = await self.counters.find_one_and_update(
            {"_id": f"tracking:{day_key(day)}"},
            {"$inc": {"n": 1}},
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
        return (before or {}).get("n", 0) + 1

    async def create(self, *, event: ReportSubmitted, token: str, sealed_reporter: str | None) -> None:
        report = event.report
        await self.reports.insert_one({
            "_id": report.report_id,
            "tracking_no": report.tracking_no,
            "token_sha256": token_hash(token),
            "content": report.model_dump(mode="json"),
            "reporter_sealed": sealed_reporter,
            "status": "received",
            "submitted_at": report.submitted_at,
            "history": [{"at": report.submitted_at, "status": "received", "text": "已受理"}],
            "reply": None,
            "reply_events": [],
            "_outbox": [entry(event, REPORTS_SUBMITTED)],
        })

    async def get(self, *, tracking_no: str) -> dict[str, Any] | None:
        return await self.reports.find_one({"tracking_no": tracking_no}, {"_outbox": 0})

    async def apply_reply(self, *, reply: ReporterReply) -> bool:
        """Record a reply once (idempotent by the reply's event id)."""
        change: dict[str, Any] = {
            "$push": {"history": {"at": reply.occurred_at, "status": reply.status or reply.kind, "text": reply.text}},
            "$addToSet": {"reply_events": reply.event_id},
        }
        final = reply.kind in ("invalid", "closed", "transferred", "rebuttal", "correction")
        sets: dict[str, Any] = {}
        if reply.status:
            sets["status"] = reply.status
        if final:
            sets["reply"] = reply.text
            if reply.link:
                sets["link"] = reply.link
        if sets:
            change["$set"] = sets
        result = await self.reports.update_one({"_id": reply.report_id, "reply_events": {"$ne": reply.event_id}}, change)
        return result.modified_count == 1

"""The only module of rumor that talks to MongoDB: claims (with their outbox).

A claim changes by compare-and-set on its `version`: two instances absorbing reports into
one claim at once cannot lose either report; the loser retries with the fresh profile.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.events import Event
from libs.common.outbox import entry
from services.rumor.claims import ClaimProfile


class ClaimConflict(Exception):
    """The claim changed under us: retry with the fresh version."""


def _doc(profile: ClaimProfile, events: list[tuple[Event, str]], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"_id": profile.claim_id, "profile": profile.model_dump(mode="json"), "keys": list(profile.keys),
            "report_ids": list(profile.report_ids), "last_seen": profile.last_seen,
            "version": profile.version, **(extra or {}), "_outbox": [entry(e, t) for e, t in events]}


class RumorStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.claims = db["claims"]

    async def create_indexes(self) -> None:
        await self.claims.create_index([("keys", ASCENDING)])
        await self.claims.create_index([("report_ids", ASCENDING)])
        await self.claims.create_index([("status", ASCENDING)])

    async def claim_of_report(self, report_id: str) -> str | None:
        doc = await self.claims.find_one({"report_ids": report_id}, {"_id": 1})
        return doc["_id"] if doc else None

    async def candidates(self, keys: list[str], now: datetime, ttl_days: int) -> list[ClaimProfile]:
        cursor = self.claims.find({"keys": {"$in": keys}, "last_seen": {"$gte": now - timedelta(days=ttl_days)}},
                                  {"profile": 1})
        return [ClaimProfile.model_validate(doc["profile"]) async for doc in cursor]

    async def insert(self, profile: ClaimProfile, events: list[tuple[Event, str]]) -> bool:
        try:
            await self.claims.insert_one(_doc(profile, events, {"status": "open", "verdict": None, "opened_at": profile.first_seen}))
            return True
        except DuplicateKeyError:
            return False

    async def replace(self, old_version: int, profile: ClaimProfile, events: list[tuple[Event, str]]) -> None:
        doc = _doc(profile, [])
        change: dict[str, Any] = {"$set": {k: v for k, v in doc.items() if k not in ("_id", "_outbox")}}
        if events:
            change["$push"] = {"_outbox": {"$each": [entry(e, t) for e, t in events]}}
        result = await self.claims.update_one({"_id": profile.claim_id, "version": old_version}, change)
        if result.modified_count != 1:
            raise ClaimConflict(profile.claim_id)

    async def get(self, claim_id: str) -> dict[str, Any] | None:
        return await self.claims.find_one({"_id": claim_id}, {"_outbox": 0})

    async def count_open(self) -> int:
        return await self.claims.count_documents({"status": "open"})

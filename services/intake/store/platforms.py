"""The platform registry (平台名录) and what webhook calls leave behind: seen signatures
(replay protection) and batches by idempotency key (a retry gets the first answer)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class PlatformStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.platforms = db["platforms"]
        self.signatures = db["webhook_signatures"]
        self.batches = db["webhook_batches"]

    async def create_indexes(self) -> None:
        # Real MongoDB drops a seen signature once its timestamp is outside the skew window
        # anyway (a stale request is refused before this check); mongo-java-server keeps it.
        await self.signatures.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0)

    # ------------------------------------------------------------------ registry

    async def upsert(self, *, platform_id: str, fields: dict[str, Any], now: datetime) -> None:
        await self.platforms.update_one(
            {"_id": platform_id}, {"$set": {**fields, "updated_at": now}, "$setOnInsert": {"created_at": now}}, upsert=True,
        )

    async def deactivate_all_but(self, *, platform_ids: list[str], now: datetime) -> int:
        """Platforms not listed: inactive, their sealed secret dropped; returns how many."""
        result = await self.platforms.update_many(
            {"_id": {"$nin": platform_ids}, "$or": [{"active": True}, {"secret_sealed": {"$ne": None}}]},
            {"$set": {"active": False, "secret_sealed": None, "secret_source": None, "updated_at": now,
                      "deactivated_at": now}})
        return result.modified_count

    async def get(self, *, platform_id: str) -> dict[str, Any] | None:
        return await self.platforms.find_one({"_id": platform_id})

    async def all(self) -> list[dict[str, Any]]:
        return await self.platforms.find({}, {"secret_sealed": 0}).sort("_id", ASCENDING).to_list()

    # ------------------------------------------------------------------ replay protection

    async def first_use(self, *, platform_id: str, signature: str, expires_at: datetime) -> bool:
        """True the first time a signature is presented; False on every later use (unique _id)."""
        try:
            await self.signatures.insert_one({"_id": f"{platform_id}:{signature.lower()}", "expires_at": expires_at})
        except DuplicateKeyError:
            return False
        return True

    # ------------------------------------------------------------------ idempotency

    async def batch(self, *, platform_id: str, key: str) -> dict[str, Any] | None:
        return await self.batches.find_one({"_id": f"{platform_id}:{key}"})

    async def open_batch(self, *, platform_id: str, key: str, doc: dict[str, Any]) -> bool:
        """Record a batch's plan before any report is created; False if the key was taken."""
        try:
            await self.batches.insert_one({"_id": f"{platform_id}:{key}", "state": "open", **doc})
        except DuplicateKeyError:
            return False
        return True

    async def close_batch(self, *, platform_id: str, key: str, now: datetime) -> None:
        await self.batches.update_one({"_id": f"{platform_id}:{key}"}, {"$set": {"state": "done", "done_at": now}})

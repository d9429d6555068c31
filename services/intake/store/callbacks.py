"""Outcome push-back to platforms (结果回传), as an outbox of its own: one document per reply
to deliver, claimed with a lease, retried with backoff, ending delivered or failed (never
silently dropped)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class CallbackStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.callbacks = db["platform_callbacks"]

    async def create_indexes(self) -> None:
        await self.callbacks.create_index([("state", ASCENDING), ("next_at", ASCENDING)])

    async def enqueue(self, *, callback_id: str, platform_id: str, report_id: str, payload: dict[str, Any],
                      now: datetime) -> bool:
        """Once per reply event (the reply's event id is the _id)."""
        try:
            await self.callbacks.insert_one({
                "_id": callback_id, "platform_id": platform_id, "report_id": report_id, "payload": payload,
                "state": "pending", "attempts": 0, "next_at": now, "created_at": now, "last_error": None,
            })
        except DuplicateKeyError:
            return False
        return True

    async def claim_due(self, *, now: datetime, lease: timedelta) -> dict[str, Any] | None:
        return await self.callbacks.find_one_and_update(
            {"state": "pending", "next_at": {"$lte": now}},
            {"$set": {"next_at": now + lease}},
            return_document=ReturnDocument.BEFORE,
        )

    async def finish(self, *, callback_id: str, state: str, now: datetime, attempts: int,
                     error: str | None = None, status: int | None = None) -> None:
        await self.callbacks.update_one({"_id": callback_id}, {"$set": {
            "state": state, "attempts": attempts, "finished_at": now, "last_error": error, "last_status": status}})

    async def retry_later(self, *, callback_id: str, at: datetime, attempts: int, error: str,
                          status: int | None = None) -> None:
        await self.callbacks.update_one({"_id": callback_id}, {"$set": {
            "next_at": at, "attempts": attempts, "last_error": error, "last_status": status}})

    async def get(self, *, callback_id: str) -> dict[str, Any] | None:
        return await self.callbacks.find_one({"_id": callback_id})

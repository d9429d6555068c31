"""Deliveries to the media matrix and the website's articles, in MongoDB.

A delivery document per delivery event id: its status is what the API shows per channel,
and `delivered` is what makes a redelivered message a no-op (the channel already has it).
A finished delivery stores its rumors.events entry in the same write (outbox).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.events import Event, MediaDelivery
from libs.common.outbox import OutboxRelay, entry
from services.rumor.website.article import Article

DeliveryStatus = Literal["retrying", "delivered", "failed"]


class MediaStore:
    def __init__(self, db: AsyncDatabase, relay: OutboxRelay | None = None) -> None:
        self.deliveries = db["deliveries"]
        self.articles = db["website_articles"]
        self.relay = relay
        if relay is not None:
            relay.watch(self.deliveries)

    async def create_indexes(self) -> None:
        await self.deliveries.create_index([("claim_id", ASCENDING), ("channel", ASCENDING)])
        await self.articles.create_index([("updated_at", DESCENDING)])

    # -- deliveries ------------------------------------------------------------------------

    async def get(self, delivery_id: str) -> dict[str, Any] | None:
        return await self.deliveries.find_one({"_id": delivery_id}, {"_outbox": 0})

    async def ended(self, delivery_id: str) -> dict[str, Any] | None:
        """The delivery's status and reason if it ended (delivered or failed), else None.

        A read, not a "sending" write: on the local database every write queues behind the
        others, and with 60+ channels at once that queue is the fan-out's latency. A delivery
        shows as queued until its first outcome (retrying, delivered or failed)."""
        doc = await self.deliveries.find_one({"_id": delivery_id}, {"status": 1, "reason": 1})
        return doc if doc and doc.get("status") in ("delivered", "failed") else None

    async def attempt_failed(self, d: MediaDelivery, error: str, now: datetime) -> None:
        await self._write(d, now, {"$set": {"status": "retrying", "last_error": error[:500], "updated_at": now},
                                   "$inc": {"attempts": 1}})

    async def finish(self, d: MediaDelivery, *, status: Literal["delivered", "failed"], now: datetime,
                     detail: dict[str, Any], events: list[tuple[Event, str]]) -> bool:
        """The outcome and its event, once: False if it had been delivered already."""
        change: dict[str, Any] = {"$set": {"status": status, "updated_at": now, f"{status}_at": now, **detail},
                                  "$push": {"_outbox": {"$each": [entry(e, t) for e, t in events]}}}
        if status == "delivered":  # failed attempts were counted one by one (attempt_failed)
            change["$inc"] = {"attempts": 1}
        written = await self._write(d, now, change)
        if written and self.relay is not None and events:
            self.relay.staged_events(self.deliveries, d.event_id, events)
        return written

    async def _write(self, d: MediaDelivery, now: datetime, change: dict[str, Any]) -> bool:
        """An upsert that never touches a delivered delivery (its filter fails, the insert collides)."""
        change = change | {"$setOnInsert": {
            "claim_id": d.claim_id, "rebuttal_id": d.rebuttal_id, "version": d.version, "action": d.action,
            "channel": d.channel, "created_at": now, "published_at": d.occurred_at}}
        try:
            await self.deliveries.update_one({"_id": d.event_id, "status": {"$ne": "delivered"}}, change, upsert=True)
            return True
        except DuplicateKeyError:
            return False

    async def of_claim(self, claim_id: str, rebuttal_id: str | None = None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"claim_id": claim_id} | ({"rebuttal_id": rebuttal_id} if rebuttal_id else {})
        cursor = self.deliveries.find(query, {"_outbox": 0}).sort([("version", ASCENDING), ("created_at", ASCENDING)])
        return [doc async for doc in cursor]

    # -- the website's articles --------------------------------------------------------------

    async def put_article(self, article: Article) -> bool:
        """Store this version unless a newer one is already there (deliveries may be re-sent late)."""
        doc = article.model_dump(mode="python")
        try:
            result = await self.articles.update_one({"_id": article.rebuttal_id, "version": {"$lte": article.version}},
                                                    {"$set": doc}, upsert=True)
            return result.modified_count == 1 or result.upserted_id is not None
        except DuplicateKeyError:  # a newer version is stored: keep it
            return False

    async def article(self, rebuttal_id: str) -> Article | None:
        doc = await self.articles.find_one({"_id": rebuttal_id})
        return Article.model_validate(doc) if doc else None

    async def latest_articles(self, limit: int) -> list[Article]:
        cursor = self.articles.find({}).sort([("updated_at", DESCENDING)]).limit(limit)
        return [Article.model_validate(doc) async for doc in cursor]

"""Which events a consumer group has already handled, for idempotent consumers.

One document per (consumer, event_id) under a unique `_id`; the handler's own writes are
idempotent too, so a crash between the work and `mark` only repeats harmless work.
"""
from __future__ import annotations

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from libs.common.events import utcnow


class Inbox:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def seen(self, consumer: str, event_id: str) -> bool:
        return await self.collection.find_one({"_id": f"{consumer}:{event_id}"}, {"_id": 1}) is not None

    async def mark(self, consumer: str, event_id: str) -> None:
        try:
            await self.collection.insert_one({"_id": f"{consumer}:{event_id}", "at": utcnow()})
        except DuplicateKeyError:
            pass

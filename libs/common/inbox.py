"""Which events a consumer group has already handled, for idempotent consumers.

One document per (consumer, event_id) under a unique `_id`, read and written a batch at a
time (one `find` by `_id` and one `insert_many` per batch); the handler's own writes are
idempotent too, so a crash between the work and `mark_many` only repeats harmless work.
"""
from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from libs.common.events import utcnow

DUPLICATE_KEY = 11000


def _key(consumer: str, event_id: str) -> str:
    return f"{consumer}:{event_id}"


class Inbox:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def seen(self, consumer: str, event_id: str) -> bool:
        return not await self.unseen(consumer, [event_id])

    async def unseen(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """The ids among `event_ids` this consumer has not handled yet."""
        if not event_ids:
            return set()
        keys = {_key(consumer, e): e for e in event_ids}
        cursor = self.collection.find({"_id": {"$in": list(keys)}}, {"_id": 1})
        seen = {keys[doc["_id"]] async for doc in cursor}
        return set(event_ids) - seen

    async def mark(self, consumer: str, event_id: str) -> None:
        await self.mark_many(consumer, [event_id])

    async def mark_many(self, consumer: str, event_ids: Sequence[str]) -> None:
        if not event_ids:
            return
        now = utcnow()
        docs = [{"_id": _key(consumer, e), "at": now} for e in dict.fromkeys(event_ids)]
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:  # marked before (a redelivery): only duplicates are fine
            if any(err.get("code") != DUPLICATE_KEY for err in exc.details.get("writeErrors", [])):
                raise
        except DuplicateKeyError:
            pass

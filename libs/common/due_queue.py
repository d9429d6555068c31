"""Work due at a time, kept in a small collection of its own: one `{_id, at}` per thing that
has work ahead.

A loop that acts on stored things when a time comes (dispatch's 催办/督办, its re-checks) used
to find them by a query on the big collection itself. mongo-java-server answers such a query
by reading every document, so each pass cost more the more had been stored, whether anything
was due or not. The queue holds only what has work ahead, in documents of a few bytes; on
MongoDB its index on `at` answers `due` without reading the rest.

The writer schedules an entry BEFORE the write it belongs to: an entry whose thing was never
written (or has moved on) is dropped by the loop when it comes due, while a thing written
without its entry would never be acted on. Moving or dropping an entry is a compare-and-set
on the `at` the loop read, so a writer that rescheduled the thing meanwhile wins.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection


class DueQueue:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def create_indexes(self) -> None:
        await self.collection.create_index([("at", ASCENDING)])

    async def schedule(self, entries: Mapping[str, datetime]) -> None:
        """Each key is next looked at `at` (set, not merged: the writer knows the new state)."""
        if entries:
            await self.collection.bulk_write(
                [UpdateOne({"_id": key}, {"$set": {"at": at}}, upsert=True) for key, at in entries.items()],
                ordered=False)

    async def due(self, now: datetime, limit: int) -> dict[str, datetime]:
        """Up to `limit` keys due at `now`, earliest first, with the `at` each was read with."""
        cursor = self.collection.find({"at": {"$lte": now}}).sort("at", ASCENDING).limit(limit)
        return {doc["_id"]: doc["at"] async for doc in cursor}

    async def settle(self, key: str, was: datetime, at: datetime | None) -> None:
        """After the loop acted: next looked at `at`, or dropped (None); unless rescheduled since."""
        if at is None:
            await self.collection.delete_one({"_id": key, "at": was})
        elif at != was:
            await self.collection.update_one({"_id": key, "at": was}, {"$set": {"at": at}})

    async def keys(self) -> set[str]:
        """Every queued key (a scan: for the repair at start only)."""
        return {doc["_id"] async for doc in self.collection.find({}, {"_id": 1})}

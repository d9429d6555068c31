"""The evidence snapshot chain: one document per record, `_id` = its sequence number.

Appending is a single insert of seq = last + 1: the unique `_id` makes two writers racing
for the same place fail one of them, which re-reads the head and tries again. There is no
separate head document to fall out of step after a crash.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.snapshot import GENESIS


class SnapshotStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.snapshots = db["evidence_snapshots"]
        # The head this process last wrote: the next append tries right after it, and reads
        # the head from the database (a sort over the chain) only when another writer moved it.
        self._head: tuple[int, str] | None = None

    async def create_indexes(self) -> None:
        await self.snapshots.create_index([("record.report_id", ASCENDING)])

    async def head(self) -> tuple[int, str]:
        last = await self.snapshots.find_one({}, sort=[("_id", DESCENDING)])
        return (last["_id"], last["hash"]) if last else (0, GENESIS)

    async def append(self, build: Callable[[int, str], tuple[dict[str, Any], str]], attempts: int = 50) -> int:
        """`build(seq, prev_hash)` → (record, hash); stored at the head of the chain. Returns seq."""
        for _ in range(attempts):
            seq, prev_hash = self._head or await self.head()
            record, digest = build(seq + 1, prev_hash)
            try:
                await self.snapshots.insert_one({"_id": seq + 1, "record": record, "hash": digest})
            except DuplicateKeyError:
                self._head = None  # another writer took this place: link to theirs
                continue
            self._head = (seq + 1, digest)
            return seq + 1
        raise RuntimeError("could not append to the evidence chain (contention)")

    async def chain(self) -> list[dict[str, Any]]:
        """Every record in order, as `first_broken_link` reads them (record fields + hash)."""
        docs = await self.snapshots.find({}).sort("_id", ASCENDING).to_list()
        return [{**d["record"], "hash": d["hash"]} for d in docs]

    async def for_report(self, *, report_id: str) -> list[dict[str, Any]]:
        docs = await self.snapshots.find({"record.report_id": report_id}).sort("_id", ASCENDING).to_list()
        return [{**d["record"], "hash": d["hash"]} for d in docs]

"""The database's own ceiling on this machine: what one client gets from it alone, with
documents the size of a stored report."""
from __future__ import annotations

import asyncio
import time
import uuid

from pymongo import AsyncMongoClient

DOC = {"text": "有人在微信群里天天发博彩网站链接，充值送彩金，拉人下注，已经有人输了好几万。" * 3,
       "history": [{"status": "received", "text": "已受理"}], "status": "received"}


async def measure(uri: str, seconds: float = 3.0, concurrency: int = 16) -> dict[str, float]:
    client = AsyncMongoClient(uri, tz_aware=True)
    coll = client[f"bench_ceiling_{uuid.uuid4().hex[:6]}"]["docs"]
    try:
        inserted: list[str] = []

        async def insert_one() -> None:
            key = uuid.uuid4().hex
            await coll.insert_one({"_id": key, **DOC})
            inserted.append(key)

        single = await _rate(insert_one, seconds, concurrency)
        found = await _rate(lambda: coll.find_one({"_id": inserted[len(inserted) // 2]}), seconds, concurrency)
        updated = await _rate(lambda: coll.update_one({"_id": inserted[len(inserted) // 3]}, {"$set": {"s": 1}}),
                              seconds, concurrency)
        batch, done, started = 500, 0, time.monotonic()
        while time.monotonic() - started < seconds:
            await coll.insert_many([{"_id": uuid.uuid4().hex, **DOC} for _ in range(batch)], ordered=False)
            done += batch
        batched = done / (time.monotonic() - started)
        await coll.drop()
        return {"db_insert_one_per_s": single, "db_find_one_per_s": found, "db_update_one_per_s": updated,
                "db_batched_docs_per_s": batched}
    finally:
        await client.close()


async def _rate(op, seconds: float, concurrency: int) -> float:  # type: ignore[no-untyped-def]
    done, started = 0, time.monotonic()

    async def worker() -> None:
        nonlocal done
        while time.monotonic() - started < seconds:
            await op()
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.monotonic() - started)

"""The growth preload by bulk insert: the documents the pipeline itself stored so far, copied
under new ids until the database holds a given number of reports.

Going through the pipeline stores reports at its own saturation rate (tens a second here: 50,000
took 30-50 min); copies of what it really wrote (every collection of every service: reports,
decisions, cases, claims, indexes, inboxes) have the real shapes and sizes and go in with
`insert_many` at the database's batched rate. Left out, so the copies add data and no work:
pending outbox entries (the relay would publish them), queues of pending work, and the
evidence chain (its `_id` is a sequence number the copies would break).
"""
from __future__ import annotations

import math
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

SKIPPED = {"snapshot_queue", "evidence_snapshots"}
BATCH = 500


def copy_of(doc: dict[str, Any], k: int) -> dict[str, Any] | None:
    """The k-th copy of a document, or None for one whose id cannot be copied (counters)."""
    key = doc["_id"]
    if isinstance(key, str):
        new_id: Any = f"{key}~{k}"
    elif isinstance(key, ObjectId):
        new_id = ObjectId()
    else:
        return None
    copy = {name: value for name, value in doc.items() if not name.startswith("_outbox")}
    copy["_id"] = new_id
    if isinstance(copy.get("tracking_no"), str):  # unique, as on MongoDB
        copy["tracking_no"] = f"{copy['tracking_no']}~{k}"
    return copy


async def replicate(uri: str, db_prefix: str, target_reports: int) -> int:
    """Copies every collection of the `<db_prefix>_*` databases until intake holds
    `target_reports` reports; returns how many it holds then."""
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    try:
        names = [n for n in await client.list_database_names() if n.startswith(f"{db_prefix}_")]
        have = await client[f"{db_prefix}_intake"]["reports"].count_documents({})
        copies = max(math.ceil(target_reports / max(have, 1)) - 1, 0)
        for name in names:
            db = client[name]
            for collection in await db.list_collection_names():
                if collection in SKIPPED or collection.startswith("system."):
                    continue
                docs = [doc async for doc in db[collection].find({})]
                for k in range(1, copies + 1):
                    batch = [c for c in (copy_of(d, k) for d in docs) if c is not None]
                    for start in range(0, len(batch), BATCH):
                        await db[collection].insert_many(batch[start:start + BATCH], ordered=False)
        return await client[f"{db_prefix}_intake"]["reports"].count_documents({})
    finally:
        await client.close()

"""Re-seal everything intake keeps sealed under the current key, while the services run.

    NETREPORT_SECRET_KEY=<new> NETREPORT_OLD_SECRET_KEYS=<old> NETREPORT_PSEUDONYM_KEY=<old> \
        python -m services.intake.rekey

The rotation, in order: (1) give every instance the new key as NETREPORT_SECRET_KEY, the
old one in NETREPORT_OLD_SECRET_KEYS and the old one as NETREPORT_PSEUDONYM_KEY (so
pseudonyms stay what they were) and restart them one by one: new values are sealed under
the new key, old ones still open; (2) run this command: each value sealed under another
key is opened and sealed again, written only if nobody changed it meanwhile (the old value
is the write's guard), so a concurrent change is never overwritten; run it again until it
says 0; (3) drop NETREPORT_OLD_SECRET_KEYS. Prints one JSON line of counts per collection.
"""
from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from libs.common.db import database, make_client
from libs.common.privacy import Privacy
from libs.common.settings import privacy_keys
from services.intake.sealed import PLATFORM_SECRET, REPORTER, STATUS_TOKEN, VOLUNTEER
from services.intake.settings import IntakeSettings

# (collection, field, purpose): top-level sealed fields, the document's _id as the AAD's id.
FIELDS = [("reports", "reporter_sealed", REPORTER), ("volunteers", "sealed", VOLUNTEER),
          ("platforms", "secret_sealed", PLATFORM_SECRET)]


@dataclass
class Counts:
    resealed: dict[str, int] = field(default_factory=dict)
    changed_meanwhile: int = 0

    def add(self, collection: str) -> None:
        self.resealed[collection] = self.resealed.get(collection, 0) + 1


async def rekey(db: AsyncDatabase, privacy: Privacy) -> Counts:
    counts = Counts()
    for collection, name, purpose in FIELDS:
        async for doc in db[collection].find({name: {"$type": "string"}}, {name: 1}):
            old = doc[name]
            if privacy.is_current(old):
                continue
            new = privacy.seal(privacy.unseal(old, purpose=purpose, doc_id=doc["_id"]), purpose=purpose, doc_id=doc["_id"])
            await _swap(db, collection, {"_id": doc["_id"], name: old}, {name: new}, counts)
    async for batch in db["webhook_batches"].find({"items.token_sealed": {"$exists": True}}, {"items": 1}):
        for i, item in enumerate(batch.get("items", [])):
            old = item.get("token_sealed")
            if not old or privacy.is_current(old):
                continue
            value = privacy.unseal(old, purpose=STATUS_TOKEN, doc_id=item["report_id"])
            new = privacy.seal(value, purpose=STATUS_TOKEN, doc_id=item["report_id"])
            path = f"items.{i}.token_sealed"
            await _swap(db, "webhook_batches", {"_id": batch["_id"], path: old}, {path: new}, counts)
    return counts


async def _swap(db: AsyncDatabase, collection: str, guard: dict[str, Any], change: dict[str, Any], counts: Counts) -> None:
    result = await db[collection].update_one(guard, {"$set": change})
    if result.modified_count == 1:
        counts.add(collection)
    else:
        counts.changed_meanwhile += 1  # written meanwhile (by the new key, as it runs): nothing to do


async def main_async(settings: IntakeSettings) -> Counts:
    secret, olds, pseudonym = privacy_keys(settings)
    client = make_client(settings)
    try:
        return await rekey(database(client, settings), Privacy(secret, olds, pseudonym))
    finally:
        await client.close()


def main() -> int:
    counts = asyncio.run(main_async(IntakeSettings()))
    print(json.dumps({"resealed": counts.resealed, "changed_meanwhile": counts.changed_meanwhile}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

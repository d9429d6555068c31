"""The review queue's corrections as the labelled data triage's training takes in:

    python -m services.dispatch.corrections > reviewed.jsonl
    python -m services.triage.train --corrections reviewed.jsonl     # or: make eval CORRECTIONS=reviewed.jsonl

One JSON line per correction, in the dev file's shape (`id`, `text`, `label`), oldest first;
a later correction of the same text wins in training (services/triage/corpus.py).
Reads MONGO_URI and MONGO_DB_PREFIX like the service.
"""
from __future__ import annotations

import asyncio
import json
import sys

from libs.common.db import database, make_client
from services.dispatch.settings import DispatchSettings
from services.dispatch.store import DispatchStore


async def export(settings: DispatchSettings) -> list[dict[str, object]]:
    client = make_client(settings)
    try:
        docs = await DispatchStore(database(client, settings)).all_corrections()
    finally:
        await client.close()
    return [{"id": d["id"], "text": d["text"], "label": d["label"]} for d in docs]


def main() -> int:
    for line in asyncio.run(export(DispatchSettings())):
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

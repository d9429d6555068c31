"""补发: send a claim's current rebuttal version again to channels that did not get it.

    python -m services.rumor.publishing.republish --claim CLAIM_ID --channel CODE [--channel CODE ...]
    python -m services.rumor.publishing.republish --claim CLAIM_ID --failed

Writes a new delivery (new idempotency key) for each channel into the claim's outbox, in
the database the environment points at (MONGO_URI, MONGO_DB_PREFIX); the running rumor
service relays and delivers it. `--failed` picks every channel whose latest delivery of
this rebuttal failed. Prints one JSON line per delivery staged.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys

from libs.common.clock import SystemClock
from libs.common.db import database, make_client
from services.rumor.publishing.editorial import ClaimNotFound, Editorial
from services.rumor.publishing.matrix import load_matrix
from services.rumor.delivery.store import MediaStore
from services.rumor.publishing.rebuttals import Refused
from services.rumor.settings import RumorSettings
from services.rumor.store import RumorStore


async def failed_channels(media: MediaStore, store: RumorStore, claim_id: str) -> list[str]:
    claim = await store.load(claim_id)
    if claim is None:
        raise ClaimNotFound(claim_id)
    pub = claim.desk.publication
    if pub is None:
        return []
    latest: dict[str, str] = {}
    for row in await media.of_claim(claim_id, pub.rebuttal_id):  # by version, then creation
        latest[row["channel"]] = row["status"]
    return [code for code, status in latest.items() if status == "failed"]


async def run(settings: RumorSettings, *, claim_id: str, channels: list[str], failed: bool) -> list[dict[str, object]]:
    client = make_client(settings)
    try:
        db = database(client, settings)
        store, media = RumorStore(db), MediaStore(db)
        editorial = Editorial(store, media, load_matrix(settings.channels_file), settings.public_base_url, SystemClock())
        targets = list(dict.fromkeys(channels + (await failed_channels(media, store, claim_id) if failed else [])))
        out: list[dict[str, object]] = []
        for channel in targets:
            sent = await editorial.republish(claim_id=claim_id, channel=channel)
            out.append({"claim_id": claim_id, "channel": channel, "delivery_id": sent.event_id, "version": sent.version})
        return out
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.rumor.publishing.republish", description=__doc__.splitlines()[0])
    parser.add_argument("--claim", required=True, help="claim id (clm-...)")
    parser.add_argument("--channel", action="append", default=[], help="channel code; repeat for several")
    parser.add_argument("--failed", action="store_true", help="every channel whose latest delivery failed")
    args = parser.parse_args(argv)
    if not args.channel and not args.failed:
        parser.error("give --channel CODE or --failed")
    try:
        rows = asyncio.run(run(RumorSettings(), claim_id=args.claim, channels=args.channel, failed=args.failed))
    except ClaimNotFound:
        print(f"republish: no claim {args.claim}", file=sys.stderr)
        return 2
    except Refused as exc:
        print(f"republish: {exc.message}", file=sys.stderr)
        return 2
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    if not rows:
        print("republish: nothing to re-publish", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

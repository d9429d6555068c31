"""The outbox relay, for documents that stage many events at once.

Publishing a rebuttal stages 60+ deliveries and a reply per reporter in one claim
document, and 60+ delivery documents then stage one event each. The shared relay
(libs.common.outbox) sends entries one by one, waiting for each acknowledgement and pulling
each off separately: a second or two before the last channel even sees its message. Here
every pending entry of a pass is sent concurrently, sequentially only within one topic and
key (their order matters there), and pulled off in one update per collection. Same guarantees: nothing is pulled before Kafka acknowledged it; a failure
leaves the document to the next pass, and the duplicates that may cause are skipped
downstream by event id.
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

from libs.common import metrics
from libs.common.outbox import PENDING, OutboxRelay


class BatchOutboxRelay(OutboxRelay):
    backlog_every_s = 1.0  # the backlog gauge scans every collection: not on every pass
    _measured_at = 0.0

    async def relay_once(self, limit: int = 500) -> int:
        sent = 0
        for collection in self.collections:
            docs = [doc async for doc in collection.find(PENDING, {"_outbox": 1}).limit(limit)]
            items: list[dict[str, Any]] = [item for doc in docs for item in doc["_outbox"]]
            if not items:
                continue
            await self._send_all(items)
            await collection.update_many({"_id": {"$in": [doc["_id"] for doc in docs]}},
                                         {"$pull": {"_outbox": {"event_id": {"$in": [i["event_id"] for i in items]}}}})
            metrics.OUTBOX_PUBLISHED.labels(service=self.service).inc(len(items))
            sent += len(items)
        if time.monotonic() - self._measured_at >= self.backlog_every_s:
            self._measured_at = time.monotonic()
            await self.measure_backlog()
        return sent

    async def _send_all(self, items: list[dict[str, Any]]) -> None:
        lanes: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for item in items:  # stored order is kept within each (topic, key)
            lanes[(item["topic"], item["key"])].append(item)

        async def send(lane: list[dict[str, Any]]) -> None:
            for item in lane:
                await self.bus.publish_raw(item["topic"], key=item["key"], value=item["value"].encode(),
                                           event_type=item.get("type", ""))

        await asyncio.gather(*(send(lane) for lane in lanes.values()))

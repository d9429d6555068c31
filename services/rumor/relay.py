"""The outbox relay, for documents that stage many events at once.

Publishing a rebuttal stages 60+ deliveries and a reply per reporter in one claim
document. The shared relay (libs.common.outbox) sends them one by one, waiting for each
acknowledgement and pulling each entry off separately: a second or two before the last
channel even sees its message. Here the entries of one document are sent concurrently,
sequentially only within one topic and key (their order matters there), and pulled off
in one update. Same guarantees: nothing is pulled before Kafka acknowledged it; a failure
leaves the document to the next pass, and the duplicates that may cause are skipped
downstream by event id.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from libs.common import metrics
from libs.common.outbox import PENDING, OutboxRelay


class BatchOutboxRelay(OutboxRelay):
    async def relay_once(self, limit: int = 500) -> int:
        sent = 0
        for collection in self.collections:
            async for doc in collection.find(PENDING, {"_outbox": 1}).limit(limit):
                items: list[dict[str, Any]] = doc["_outbox"]
                await self._send_all(items)
                ids = [item["event_id"] for item in items]
                await collection.update_one({"_id": doc["_id"]}, {"$pull": {"_outbox": {"event_id": {"$in": ids}}}})
                metrics.OUTBOX_PUBLISHED.labels(service=self.service).inc(len(items))
                sent += len(items)
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

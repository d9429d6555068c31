"""Transactional outbox without transactions: pending events live in the state document.

A service that must publish after a state change (intake accepting a report, dispatch's
scheduler raising an overdue) writes the state and the events to publish in ONE atomic
single-document write (`_outbox` array). The relay publishes them and pulls them off by
event id. A crash or a Kafka outage between the two only delays publishing; duplicates
that a crash may cause are skipped downstream by event_id.
"""
from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from libs.common import metrics
from libs.common.bus import Bus, encode
from libs.common.events import Event
from libs.common.logs import get_logger

log = get_logger(__name__)
PENDING = {"_outbox.0": {"$exists": True}}


def entry(event: Event, topic: str) -> dict[str, Any]:
    """The outbox entry to store with the state change."""
    return {
        "event_id": event.event_id,
        "topic": topic,
        "key": event.key,
        "type": getattr(event, "type", ""),
        "value": encode(event).decode(),
    }


class OutboxRelay:
    """Publishes pending outbox entries of some collections, in stored order."""

    def __init__(self, bus: Bus, collections: list[AsyncCollection], service: str, interval_s: float = 0.5) -> None:
        self.bus = bus
        self.collections = collections
        self.service = service
        self.interval_s = interval_s
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Something was staged: relay now rather than at the next tick."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.relay_once()
            except Exception as exc:  # Kafka or the database is down: try again later
                if (task := asyncio.current_task()) is not None and task.cancelling():
                    raise  # a shutdown that a client library turned into its own error
                log.warning("outbox_relay_failed", error=repr(exc))
                await asyncio.sleep(2.0)
            if (task := asyncio.current_task()) is not None and task.cancelling():
                raise asyncio.CancelledError  # stop even if the cancellation was swallowed above
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)
            except TimeoutError:
                pass
            self._wake.clear()

    async def relay_once(self, limit: int = 500) -> int:
        sent = 0
        for collection in self.collections:
            async for doc in collection.find(PENDING, {"_outbox": 1}).limit(limit):
                for item in doc["_outbox"]:
                    await self.bus.publish_raw(item["topic"], key=item["key"], value=item["value"].encode(), event_type=item.get("type", ""))
                    await collection.update_one({"_id": doc["_id"]}, {"$pull": {"_outbox": {"event_id": item["event_id"]}}})
                    metrics.OUTBOX_PUBLISHED.labels(service=self.service).inc()
                    sent += 1
        await self.measure_backlog()
        return sent

    async def measure_backlog(self) -> int:
        backlog = 0
        for collection in self.collections:
            backlog += await collection.count_documents(PENDING)
        metrics.OUTBOX_BACKLOG.labels(service=self.service).set(backlog)
        return backlog

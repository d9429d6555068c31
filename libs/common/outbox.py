"""Transactional outbox without transactions: pending events live in the state document.

A service that must publish after a state change (intake accepting a report, dispatch's
scheduler raising an overdue) writes the state and the events to publish in ONE atomic
single-document write (`_outbox` array). The relay publishes them and pulls them off by
event id. A crash or a Kafka outage between the two only delays publishing; duplicates
that a crash may cause are skipped downstream by event_id.
"""
from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from libs.common import metrics
from libs.common.bus import Bus, encode
from libs.common.events import Event
from libs.common.waker import Waker, run_worker

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
        self._waker = Waker()

    def poke(self) -> None:
        """Something was staged: relay now rather than at the next tick."""
        self._waker.poke()

    async def run(self) -> None:
        async def one_pass() -> bool:
            await self.relay_once()
            return False  # one pass per tick or poke, as entries may be staged while it runs

        # Kafka or the database away: pause 2 s, then try again.
        await run_worker(one_pass, self._waker, interval_s=self.interval_s,
                         failed_event="outbox_relay_failed", failure_pause_s=2.0)

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

"""Transactional outbox without transactions: pending events live in the state document.

A service that must publish after a state change (intake accepting a report, dispatch
routing a case) writes the state and the events to publish in ONE atomic single-document
write (`_outbox` array), then hands the same entries to the relay (`staged`). The relay
publishes them (concurrently, in stored order within one topic and key) and pulls them off
in one update per collection. Nothing is pulled before Kafka acknowledged it.

What the relay holds in memory is only a shortcut: a crash, a Kafka outage or a write
whose hand-over never came leaves the entries in their documents, and the sweep finds
them: at start, again `settle_s` later (what the crashed process had staged just before it
died is older than that by then), then every `sweep_every_s`. The sweep is the only query
that is not by `_id`, on a slow timer, never per message or per pass; entries younger than
`settle_s` are left to the instance that staged them. Duplicates a crash may cause are
skipped downstream by event id.

Every write of this process hands its entries over, so the timed sweep is only the net
under what a crash of ANOTHER instance left and nobody restarted: five minutes by default.
On mongo-java-server it reads the whole collection (no partial index there), and at 30 s
it was the largest periodic scan left once 50,000 reports were stored (bench/README.md).

An entry Kafka refuses for good (too large, an invalid or forbidden topic) is set aside
into `_outbox_failed` with the reason, counted and logged, so it never blocks the rest.
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from libs.common import metrics
from libs.common.bus import REFUSED, Bus, encode
from libs.common.events import Event, utcnow
from libs.common.logs import get_logger
from libs.common.waker import Waker, run_worker

PENDING = {"_outbox.0": {"$exists": True}}
log = get_logger(__name__)


def entry(event: Event, topic: str) -> dict[str, Any]:
    """The outbox entry to store with the state change."""
    return {
        "event_id": event.event_id,
        "topic": topic,
        "key": event.key,
        "type": getattr(event, "type", ""),
        "value": encode(event).decode(),
        "at": utcnow(),
    }


def entries(events: Iterable[tuple[Event, str]]) -> list[dict[str, Any]]:
    return [entry(event, topic) for event, topic in events]


@dataclass(frozen=True)
class Staged:
    collection: AsyncCollection
    doc_id: Any
    items: list[dict[str, Any]]


class OutboxRelay:
    """Publishes the outbox entries of some collections."""

    def __init__(self, bus: Bus, collections: list[AsyncCollection] | None = None, service: str = "service", *,
                 interval_s: float = 0.5, sweep_every_s: float = 300.0, settle_s: float = 10.0) -> None:
        self.bus = bus
        self.collections: list[AsyncCollection] = []
        for collection in collections or []:
            self.watch(collection)
        self.service = service
        self.interval_s = interval_s
        self.sweep_every_s = sweep_every_s
        self.settle = timedelta(seconds=settle_s)
        self._pending: list[Staged] = []
        self._held: set[str] = set()  # event ids handed over and not yet pulled: the sweep leaves them
        self._swept_at = float("-inf")  # the first pass sweeps: what a crash left behind
        self._sweeps = 0
        self._waker = Waker()

    def watch(self, collection: AsyncCollection) -> None:
        """`collection` holds outbox entries: the sweep looks there too."""
        if all(c.full_name != collection.full_name for c in self.collections):
            self.collections.append(collection)

    async def create_indexes(self) -> None:
        """A partial index of the documents with pending entries, for the sweep: on MongoDB it
        reads only those instead of the whole collection (mongo-java-server ignores it)."""
        for collection in self.collections:
            await collection.create_index([("_outbox.0", 1)], name="outbox_pending", partialFilterExpression=PENDING)

    def staged(self, collection: AsyncCollection, doc_id: Any, items: list[dict[str, Any]]) -> None:
        """`items` were just stored in `doc_id`'s outbox: publish them now."""
        if items:
            self._pending.append(Staged(collection, doc_id, items))
            self._held.update(item["event_id"] for item in items)
            self._show_backlog()
            self._waker.poke()

    def staged_events(self, collection: AsyncCollection, doc_id: Any, events: Iterable[tuple[Event, str]]) -> None:
        """As `staged`, from the events the write stored (their entries are rebuilt the same)."""
        self.staged(collection, doc_id, entries(events))

    def poke(self) -> None:
        """Wake the relay now (what was handed over is published at once anyway)."""
        self._waker.poke()

    def sweep_soon(self) -> None:
        """Something was stored without being handed over (another process wrote it): sweep now."""
        self._swept_at = float("-inf")
        self._waker.poke()

    async def run(self) -> None:
        async def one_pass() -> bool:
            return await self.relay_pass() > 0

        # Kafka or the database away: pause 2 s, then try again (the entries stay queued).
        await run_worker(one_pass, self._waker, interval_s=self.interval_s,
                         failed_event="outbox_relay_failed", failure_pause_s=2.0)

    async def relay_pass(self) -> int:
        """Publish what was handed over, and sweep when it is time; returns entries sent."""
        pending, self._pending = self._pending, []
        try:
            sent = await self.publish(pending)
            if time.monotonic() - self._swept_at >= self._next_sweep_after_s():
                sent += await self.sweep()
        finally:  # a failed pass above all: Kafka away is when the backlog grows
            self._show_backlog()
        return sent

    def _show_backlog(self) -> None:
        """The gauge an alert reads: every entry handed over or swept up and not yet published,
        those in flight included (a send to an unreachable Kafka waits its whole timeout)."""
        metrics.OUTBOX_BACKLOG.labels(service=self.service).set(len(self._held))

    async def relay_once(self) -> int:
        """Everything pending, handed over or not, settled or not (tests, operator commands)."""
        pending, self._pending = self._pending, []
        return await self.publish(pending) + await self.sweep(settle=timedelta(0))

    def queued(self) -> int:
        return sum(len(s.items) for s in self._pending)

    async def measure_backlog(self) -> int:
        """Entries stored and not yet published, counted in the database (a scan: not on a hot path)."""
        backlog = 0
        for collection in self.collections:
            async for doc in collection.find(PENDING, {"_outbox.event_id": 1}):
                backlog += len(doc.get("_outbox") or [])
        metrics.OUTBOX_BACKLOG.labels(service=self.service).set(backlog)
        return backlog

    def _next_sweep_after_s(self) -> float:
        """The start sweep leaves entries younger than `settle`: the second one, that much later, takes them."""
        return min(self.settle.total_seconds() + 1.0, self.sweep_every_s) if self._sweeps == 1 else self.sweep_every_s

    async def sweep(self, settle: timedelta | None = None) -> int:
        """Publish entries that were stored but never handed over (a crash, a lost poke)."""
        self._swept_at = time.monotonic()
        self._sweeps += 1
        cutoff = utcnow() - (self.settle if settle is None else settle)
        found: list[Staged] = []
        for collection in self.collections:
            async for doc in collection.find(PENDING, {"_outbox": 1}):
                items = [i for i in doc["_outbox"] if (i.get("at") is None or i["at"] <= cutoff)
                         and i["event_id"] not in self._held]
                if items:
                    found.append(Staged(collection, doc["_id"], items))
        if found:
            log.info("outbox_swept", entries=sum(len(s.items) for s in found))
        return await self.publish(found)

    async def publish(self, staged: list[Staged]) -> int:
        """Send every entry, then pull the sent (and set aside the refused) in one update per
        collection. Entries Kafka could not take now are queued again and the failure raised."""
        if not staged:
            return 0
        self._held.update(item["event_id"] for s in staged for item in s.items)  # queued again if unsent
        lanes: dict[tuple[str, str | None], list[tuple[Staged, dict[str, Any]]]] = defaultdict(list)
        for s in staged:
            for item in s.items:  # stored order is kept within each (topic, key)
                lanes[(item["topic"], item["key"])].append((s, item))
        results = await asyncio.gather(*(self._send_lane(lane) for lane in lanes.values()))
        sent = [(s, item) for done, _, _ in results for s, item in done]
        refused = [r for _, refusals, _ in results for r in refusals]
        failure = next((f for _, _, f in results if f is not None), None)
        if failure is not None:
            finished = {id(item) for _, item in sent} | {id(item) for _, item, _ in refused}
            self._pending = [Staged(s.collection, s.doc_id, left) for s in staged
                             if (left := [i for i in s.items if id(i) not in finished])] + self._pending
        try:
            await self._pull(sent, refused)
        finally:  # pulled, or (the database away) left for a later sweep to send again
            self._held.difference_update(item["event_id"] for _, item in sent)
            self._held.difference_update(item["event_id"] for _, item, _ in refused)
        metrics.OUTBOX_PUBLISHED.labels(service=self.service).inc(len(sent))
        if failure is not None:
            raise failure
        return len(sent)

    async def _send_lane(self, lane: list[tuple[Staged, dict[str, Any]]]) -> tuple[
            list[tuple[Staged, dict[str, Any]]], list[tuple[Staged, dict[str, Any], BaseException]], BaseException | None]:
        """Sends one lane in order; stops at the first failure that a later try may cure."""
        done: list[tuple[Staged, dict[str, Any]]] = []
        refused: list[tuple[Staged, dict[str, Any], BaseException]] = []
        for s, item in lane:
            try:
                await self.bus.publish_raw(item["topic"], key=item["key"], value=item["value"].encode(),
                                           event_type=item.get("type", ""))
                done.append((s, item))
            except REFUSED as exc:
                refused.append((s, item, exc))
            except Exception as exc:  # Kafka away: this lane waits, in order, for the next pass
                return done, refused, exc
        return done, refused, None

    async def _pull(self, sent: list[tuple[Staged, dict[str, Any]]],
                    refused: list[tuple[Staged, dict[str, Any], BaseException]]) -> None:
        by_collection: dict[int, list[tuple[Staged, dict[str, Any]]]] = defaultdict(list)
        for s, item in sent:
            by_collection[id(s.collection)].append((s, item))
        for done in by_collection.values():
            collection = done[0][0].collection
            ids = list({s.doc_id for s, _ in done})
            await collection.update_many({"_id": {"$in": ids}},
                                         {"$pull": {"_outbox": {"event_id": {"$in": [i["event_id"] for _, i in done]}}}})
        for s, item, error in refused:
            reason = f"{type(error).__name__}: {str(error)[:500]}"
            await s.collection.update_one({"_id": s.doc_id}, {
                "$pull": {"_outbox": {"event_id": item["event_id"]}},
                "$push": {"_outbox_failed": {**item, "value": item["value"][:2000], "reason": reason, "failed_at": utcnow()}}})
            metrics.OUTBOX_REFUSED.labels(service=self.service, topic=item["topic"]).inc()
            log.error("outbox_entry_refused", topic=item["topic"], event_id=item["event_id"], reason=reason)

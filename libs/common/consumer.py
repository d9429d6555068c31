"""The one consumer pattern every service uses: at-least-once with a DLQ, in batches.

For each batch Kafka hands over (up to `max_batch` records, whatever is buffered), in order:
  parse every record (pydantic) -> drop those already handled (inbox, by event_id, one
  read for the batch) -> handle (store, then publish) -> mark handled (one write) -> commit.
The commit is the last step, in one visible place, so an offset is only committed after
the work is stored and its events are published. FastStream's ack policies cannot give
this (INFRA.md): ACK commits even when the handler raised, NACK_ON_ERROR loops forever.

Batches are what keeps the database's cost per report flat under load: a service with a
batch handler (`handle_batch`) reads and writes a whole batch in a few commands; one with
only `handle` is called event by event, in order, and still pays the inbox once per batch.
A handler that is idempotent by its own state (it looks the event's effect up before acting,
and its writes are guarded) subscribes with `inbox=False`: the inbox would only repeat that
check at the price of a document per event (bench/README.md counts them).

Failures:
- a record that does not parse, or an event whose handling still fails after a few quick
  retries, goes to `<topic>.dlq` with the reason and the original bytes, and the rest of
  the batch goes on (a failing batch is retried event by event, so one poison event
  never takes its neighbours to the DLQ);
- an outage (database or Kafka unreachable) is not the messages' fault: the batch is
  rewound (nack) so the same records come again after a pause, and nothing is skipped.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as InjectedMessage
from pydantic import BaseModel, ValidationError
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from tenacity import AsyncRetrying, retry_if_not_exception_type, stop_after_attempt, wait_exponential

from libs.common import metrics
from libs.common.bus import Bus
from libs.common.deadletter import DeadLetters
from libs.common.events import Event
from libs.common.inbox import Inbox
from libs.common.logs import bind_event, clear_case, get_logger

E = TypeVar("E", bound=Event)
# Outages are retried forever (the offset is rewound); everything else is the message's fault.
OUTAGES: tuple[type[BaseException], ...] = (ConnectionFailure, ServerSelectionTimeoutError, KafkaError)
MAX_BATCH = 200
log = get_logger(__name__)


class PermanentError(Exception):
    """The message can never be handled (a broken reference, a rule it violates): DLQ it."""


class Outage(Exception):
    """Raised inside the batch loop to rewind it; carries the cause for the log."""


@dataclass
class Handlers(Generic[E]):
    """How a subscriber handles its events: a whole batch at once, or one by one."""

    one: Callable[[E], Awaitable[None]] | None = None
    batch: Callable[[list[E]], Awaitable[None]] | None = None

    async def single(self, events: list[E]) -> None:
        """Exactly one event, through whichever handler the subscriber has."""
        if self.batch is not None:
            await self.batch(events)
        else:
            assert self.one is not None
            await self.one(events[0])


@dataclass
class _Batch:
    records: Sequence[Any]
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n


def subscribe(
    broker: KafkaBroker,
    bus: Bus,
    inbox: Inbox,
    *,
    topic: str,
    group: str,
    model: type[E],
    service: str,
    handle: Callable[[E], Awaitable[None]] | None = None,
    handle_batch: Callable[[list[E]], Awaitable[None]] | None = None,
    attempts: int = 3,
    outage_pause_s: float = 2.0,
    max_batch: int = MAX_BATCH,
    dead_letters: DeadLetters | None = None,
    inbox_used: bool = True,
) -> None:
    """Register a reliable subscriber for `topic` in consumer group `group`."""
    if handle is None and handle_batch is None:
        raise ValueError("give handle or handle_batch")
    handlers: Handlers[E] = Handlers(handle, handle_batch)
    real_topic = bus.settings.topic(topic)
    consumer = _Consumer(dead_letters or DeadLetters(bus, service), inbox if inbox_used else None, topic, group, model,
                         handlers, attempts)

    async def consume(msg: InjectedMessage) -> None:
        clear_case(service)
        batch = _Batch(msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,))
        metrics.CONSUMER_BATCH.labels(service=service, topic=topic).observe(len(batch.records))
        try:
            await consumer.process(batch)
        except Outage as exc:
            _count(service, topic, batch)
            metrics.CONSUMED.labels(service=service, topic=topic, outcome="outage").inc(len(batch.records))
            log.warning("outage_will_retry", topic=topic, error=repr(exc.__cause__ or exc))
            await msg.nack()  # rewind every partition of the batch: the same records come again
            await asyncio.sleep(outage_pause_s)
            return
        _count(service, topic, batch)
        await msg.ack()  # the commit point

    consume.__name__ = f"consume_{group}_{topic}".replace(".", "_").replace("-", "_")
    broker.subscriber(
        real_topic,
        group_id=bus.settings.topic(group),  # prefixed like the topics: isolated runs never share a group
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        batch=True,
        max_records=max_batch,
        # getmany returns at once when records are buffered; this only bounds the idle wait
        # (FastStream sleeps as long again after an empty poll, so keep it short).
        batch_timeout_ms=25,
        fetch_max_wait_ms=50,  # the default 500 ms wait dominates end-to-end latency (INFRA.md)
        decoder=_raw,  # records are parsed here, by the event model: never by FastStream's JSON
        title=f"{group}:{topic}",
    )(consume)


async def _raw(_msg: Any) -> None:
    return None


def _count(service: str, topic: str, batch: _Batch) -> None:
    for outcome, n in batch.outcomes.items():
        metrics.CONSUMED.labels(service=service, topic=topic, outcome=outcome).inc(n)


@dataclass
class _Consumer(Generic[E]):
    dead_letters: DeadLetters
    inbox: Inbox | None  # None: the handler is idempotent by its own state
    topic: str
    group: str
    model: type[BaseModel]
    handlers: Handlers[E]
    attempts: int

    async def process(self, batch: _Batch) -> None:
        events: list[tuple[Any, E]] = []
        for record in batch.records:
            try:
                events.append((record, self.model.model_validate_json(record.value or b"")))  # type: ignore[arg-type]
            except ValidationError as exc:
                await self._dead_letter(record, exc, batch)
        fresh = await self._fresh(events, batch)
        if not fresh:
            return
        if self.handlers.batch is None:
            done = await self._one_by_one(fresh, batch)
        else:
            try:
                await self._retrying(self.handlers.batch, [e for _, e in fresh])
                done = fresh
                batch.count("handled", len(done))
            except OUTAGES as exc:
                raise Outage() from exc
            except Exception:  # some event of the batch is poison: find it, handle the rest
                log.warning("batch_failed_retrying_one_by_one", topic=self.topic, size=len(fresh))
                done = await self._one_by_one(fresh, batch)
        await self._mark(done)

    async def _fresh(self, events: list[tuple[Any, E]], batch: _Batch) -> list[tuple[Any, E]]:
        """Events not handled before, each once (a batch may carry a redelivered repeat)."""
        ids = [e.event_id for _, e in events]
        try:
            unseen = await self.inbox.unseen(self.group, ids) if self.inbox is not None else set(ids)
        except OUTAGES as exc:
            raise Outage() from exc
        fresh, taken = [], set()
        for record, event in events:
            if event.event_id in unseen and event.event_id not in taken:
                taken.add(event.event_id)
                fresh.append((record, event))
        if skipped := len(events) - len(fresh):
            batch.count("duplicate", skipped)
            log.info("duplicates_skipped", topic=self.topic, count=skipped)
        return fresh

    async def _one_by_one(self, fresh: list[tuple[Any, E]], batch: _Batch) -> list[tuple[Any, E]]:
        done: list[tuple[Any, E]] = []
        for record, event in fresh:
            bind_event(event.event_id, case_id=getattr(event, "case_id", None))
            try:
                await self._retrying(self.handlers.single, [event])
            except OUTAGES as exc:
                await self._mark(done)  # what was handled stays handled; the rest comes again
                raise Outage() from exc
            except Exception as exc:  # a bug or a poison message: never kill the consumer
                log.exception("handler_failed", topic=self.topic)
                await self._dead_letter(record, exc, batch)
                continue
            batch.count("handled")
            done.append((record, event))
        return done

    async def _retrying(self, work: Callable[[list[E]], Awaitable[None]], events: list[E]) -> None:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            retry=retry_if_not_exception_type((PermanentError, *OUTAGES)),
            reraise=True,
        ):
            with attempt:
                await work(events)

    async def _mark(self, done: list[tuple[Any, E]]) -> None:
        if done and self.inbox is not None:
            try:
                await self.inbox.mark_many(self.group, [e.event_id for _, e in done])
            except OUTAGES as exc:
                raise Outage() from exc

    async def _dead_letter(self, record: Any, exc: BaseException, batch: _Batch) -> None:
        try:
            await self.dead_letters.send(record, exc, topic=self.topic, consumer=self.group)
        except OUTAGES as err:
            raise Outage() from err
        batch.count("dead_letter")

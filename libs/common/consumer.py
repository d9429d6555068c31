"""The one consumer pattern every service uses: at-least-once with a DLQ.

For each message, in this order:
  parse (pydantic) -> skip if already handled (inbox, by event_id) -> handle (store, then
  publish) -> mark handled -> commit the offset.
The commit is the last step, in one visible place, so an offset is only committed after
the work is stored and its events are published. FastStream's ack policies cannot give
this (INFRA.md): ACK commits even when the handler raised, NACK_ON_ERROR loops forever.

Failures:
- a message that does not parse, or a handler error that survives a few quick retries,
  goes to `<topic>.dlq` with the reason and the original bytes; then the offset is
  committed and the consumer goes on;
- an outage (database or Kafka unreachable) is not the message's fault: the offset is
  rewound (nack) so the same message is tried again after a pause, and nothing is skipped.
"""
from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as InjectedMessage
from faststream.kafka.message import KafkaMessage
from pydantic import BaseModel, ValidationError
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from tenacity import AsyncRetrying, retry_if_not_exception_type, stop_after_attempt, wait_exponential

from libs.common import metrics
from libs.common.bus import Bus
from libs.common.events import DeadLetter, Event
from libs.common.inbox import Inbox
from libs.common.logs import bind_case, clear_case, get_logger
from libs.common.topics import dlq_topic


E = TypeVar("E", bound=Event)
# Outages are retried forever (the offset is rewound); everything else is the message's fault.
OUTAGES: tuple[type[BaseException], ...] = (ConnectionFailure, ServerSelectionTimeoutError, KafkaError)
log = get_logger(__name__)


class PermanentError(Exception):
    """The message can never be handled (a broken reference, a rule it violates): DLQ it."""


def subscribe(
    broker: KafkaBroker,
    bus: Bus,
    inbox: Inbox,
    *,
    topic: str,
    group: str,
    model: type[E],
    handle: Callable[[E], Awaitable[None]],
    service: str,
    attempts: int = 3,
    outage_pause_s: float = 2.0,
) -> None:
    """Register a reliable subscriber for `topic` in consumer group `group`."""
    real_topic = bus.settings.topic(topic)

    async def consume(msg: InjectedMessage) -> None:
        clear_case(service)
        outcome = await _process(msg, bus, inbox, topic, group, model, handle, attempts)
        metrics.CONSUMED.labels(service=service, topic=topic, outcome=outcome).inc()
        if outcome == "outage":
            await msg.nack()  # rewind: the same message is delivered again
            await asyncio.sleep(outage_pause_s)
        else:
            await msg.ack()  # the commit point

    consume.__name__ = f"consume_{group}_{topic}".replace(".", "_").replace("-", "_")
    broker.subscriber(
        real_topic,
        group_id=bus.settings.topic(group),  # prefixed like the topics: isolated runs never share a group
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,  # the default 500 ms wait dominates end-to-end latency (INFRA.md)
        title=f"{group}:{topic}",
    )(consume)


async def _process(
    msg: KafkaMessage, bus: Bus, inbox: Inbox, topic: str, group: str,
    model: type[BaseModel], handle: Callable[[E], Awaitable[None]], attempts: int,
) -> str:
    raw: bytes = msg.body
    try:
        event = model.model_validate_json(raw)
    except ValidationError as exc:
        return await _dead_letter(msg, bus, topic, group, exc)
    bind_case(event_id=event.event_id, case_id=getattr(event, "case_id", None))
    try:
        if await inbox.seen(group, event.event_id):
            log.info("duplicate_skipped")
            return "duplicate"
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            retry=retry_if_not_exception_type((PermanentError, *OUTAGES)),
            reraise=True,
        ):
            with attempt:
                await handle(event)  # type: ignore[arg-type]
        await inbox.mark(group, event.event_id)
        return "handled"
    except OUTAGES as exc:
        log.warning("outage_will_retry", error=repr(exc))
        return "outage"
    except Exception as exc:  # a bug or a poison message: never kill the consumer
        log.exception("handler_failed")
        try:
            return await _dead_letter(msg, bus, topic, group, exc)
        except OUTAGES:
            return "outage"


async def _dead_letter(msg: KafkaMessage, bus: Bus, topic: str, group: str, exc: BaseException) -> str:
    record = msg.raw_message
    letter = DeadLetter(
        topic=topic,
        partition=getattr(record, "partition", -1),
        offset=getattr(record, "offset", -1),
        consumer=group,
        error=str(exc)[:4000],
        error_type=type(exc).__name__,
        key=record.key.decode(errors="replace") if getattr(record, "key", None) else None,
        value_b64=base64.b64encode(msg.body).decode(),
    )
    await bus.publish_raw(dlq_topic(topic), key=letter.key, value=letter.model_dump_json().encode(), event_type="dead_letter")
    metrics.DEAD_LETTERS.labels(topic=topic, consumer=group, error_type=letter.error_type).inc()
    log.error("dead_lettered", topic=topic, error=letter.error, error_type=letter.error_type)
    return "dead_letter"

"""The one dead letter (`<topic>.dlq`): a message a consumer could not handle, with the
reason and its bytes, written so that no message, however large or malformed, can jam the
partition it came from.

A dead letter carries at most `MAX_VALUE_BYTES` of the original (a prefix) with the
SHA-256 and size of the whole, so it always fits under the broker's message limit. If
Kafka still refuses it for good (a forbidden or broken DLQ topic), a letter without the
bytes is tried, and failing that the letter is kept in the database (`dead_letters`) and
counted: the consumer goes on either way. Only an outage (Kafka or the database away)
makes the caller retry the message.
"""
from __future__ import annotations

import base64
import hashlib
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from libs.common import metrics
from libs.common.bus import REFUSED, Bus
from libs.common.events import DeadLetter
from libs.common.logs import get_logger
from libs.common.topics import dlq_topic

MAX_VALUE_BYTES = 64 * 1024
log = get_logger(__name__)


def letter_for(record: Any, exc: BaseException, *, topic: str, consumer: str) -> DeadLetter:
    """Pure: the bounded dead letter of a consumed record (`topic`: its design name)."""
    value: bytes = record.value or b""
    return DeadLetter(
        topic=topic,
        partition=getattr(record, "partition", -1),
        offset=getattr(record, "offset", -1),
        consumer=consumer,
        error=str(exc)[:4000],
        error_type=type(exc).__name__,
        key=record.key.decode(errors="replace")[:256] if getattr(record, "key", None) else None,
        value_b64=base64.b64encode(value[:MAX_VALUE_BYTES]).decode(),
        value_size=len(value),
        value_sha256=hashlib.sha256(value).hexdigest(),
        truncated=len(value) > MAX_VALUE_BYTES,
    )


class DeadLetters:
    def __init__(self, bus: Bus, service: str, store: AsyncCollection | None = None) -> None:
        self.bus, self.service, self.store = bus, service, store

    async def send(self, record: Any, exc: BaseException, *, topic: str, consumer: str) -> None:
        letter = letter_for(record, exc, topic=topic, consumer=consumer)
        where = await self._write(letter)
        metrics.DEAD_LETTERS.labels(topic=topic, consumer=consumer, error_type=letter.error_type).inc()
        log.error("dead_lettered", topic=topic, error=letter.error[:500], error_type=letter.error_type,
                  size=letter.value_size, sha256=letter.value_sha256, kept_in=where)

    async def _write(self, letter: DeadLetter) -> str:
        for candidate in (letter, letter.model_copy(update={"value_b64": "", "truncated": True})):
            try:
                await self.bus.publish_raw(dlq_topic(letter.topic), key=letter.key,
                                           value=candidate.model_dump_json().encode(), event_type="dead_letter")
                return "kafka"
            except REFUSED as exc:
                log.warning("dead_letter_refused", topic=letter.topic, error=repr(exc)[:300])
        metrics.DEAD_LETTERS_UNWRITABLE.labels(service=self.service, topic=letter.topic).inc()
        if self.store is not None:
            await self.store.insert_one(letter.model_dump(mode="json") | {"value_b64": ""})
            return "database"
        return "log"

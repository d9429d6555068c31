"""The shared consumer pattern over the real Kafka and database: duplicates skipped,
poison messages dead-lettered with the reason and the original bytes, and the consumer
goes on."""
from __future__ import annotations

import asyncio
import base64
import json

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.support.kafka import kafka_options
from libs.common.consumer import PermanentError, subscribe
from libs.common.events import ReportContent, ReportSubmitted
from libs.common.kafka_admin import ensure_topics
from libs.common.service import Runtime
from libs.common.settings import ServiceSettings
from libs.common.topics import REPORTS_SUBMITTED, dlq_topic


def _event(text: str) -> ReportSubmitted:
    return ReportSubmitted(report=ReportContent(report_id=f"r-{text}", tracking_no="T-1", channel="web", text=text))


async def _read(bootstrap: str, topic: str, n: int, timeout: float = 30) -> list[bytes]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, **kafka_options(), auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    out: list[bytes] = []
    try:
        async with asyncio.timeout(timeout):
            async for record in consumer:
                out.append(record.value)
                if len(out) >= n:
                    break
    finally:
        await consumer.stop()
    return out


async def test_duplicates_are_skipped_and_poison_goes_to_the_dlq_while_the_consumer_goes_on(infra, topic_prefix, mongo_db_name):
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri,
        TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name,
    )
    topic = settings.topic(REPORTS_SUBMITTED)
    await ensure_topics(infra.kafka_bootstrap, {topic: 3, settings.topic(dlq_topic(REPORTS_SUBMITTED)): 1}, options=infra.kafka_options)
    runtime = Runtime.create(settings)
    handled: list[str] = []
    everything_seen = asyncio.Event()

    async def handle(event: ReportSubmitted) -> None:
        if event.report.text == "poison":
            raise PermanentError("this report refers to nothing")
        if event.report.text == "bug":
            raise ValueError("a bug in the handler")
        handled.append(event.event_id)
        if event.report.text == "last":
            everything_seen.set()

    subscribe(runtime.broker, runtime.bus, runtime.inbox, topic=REPORTS_SUBMITTED, group="test-group",
              model=ReportSubmitted, handle=handle, service="test", attempts=2)
    first, last = _event("first"), _event("last")
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, enable_idempotence=True)
    await producer.start()
    key = b"same-key"  # one partition, so "last" comes after everything else
    for value in (first.model_dump_json().encode(), first.model_dump_json().encode(), b"{not json",
                  _event("poison").model_dump_json().encode(), _event("bug").model_dump_json().encode(),
                  last.model_dump_json().encode()):
        await producer.send_and_wait(topic, value, key=key)
    await producer.stop()

    await runtime.broker.start()
    try:
        await asyncio.wait_for(everything_seen.wait(), 60)
    finally:
        await runtime.broker.stop()
        await runtime.client.close()

    assert handled == [first.event_id, last.event_id]
    letters = [json.loads(v) for v in await _read(infra.kafka_bootstrap, settings.topic(dlq_topic(REPORTS_SUBMITTED)), 3)]
    assert [letter["error_type"] for letter in letters] == ["ValidationError", "PermanentError", "ValueError"]
    assert base64.b64decode(letters[0]["value_b64"]) == b"{not json"
    assert "refers to nothing" in letters[1]["error"]
    assert all(letter["consumer"] == "test-group" for letter in letters)


async def test_a_batch_handler_that_fails_is_retried_event_by_event_so_only_the_poison_goes_to_the_dlq(
        infra, topic_prefix, mongo_db_name):
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri,
        TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name,
    )
    topic = settings.topic(REPORTS_SUBMITTED)
    await ensure_topics(infra.kafka_bootstrap, {topic: 1, settings.topic(dlq_topic(REPORTS_SUBMITTED)): 1}, options=infra.kafka_options)
    runtime = Runtime.create(settings)
    batches: list[list[str]] = []
    stored: list[str] = []
    everything_seen = asyncio.Event()

    async def handle_batch(events: list[ReportSubmitted]) -> None:
        batches.append([e.report.text for e in events])
        if any(e.report.text == "poison" for e in events):
            raise PermanentError("one of these refers to nothing")
        stored.extend(e.report.text for e in events)
        if "last" in stored:
            everything_seen.set()

    subscribe(runtime.broker, runtime.bus, runtime.inbox, topic=REPORTS_SUBMITTED, group="test-batch",
              model=ReportSubmitted, handle_batch=handle_batch, service="test", attempts=1)
    texts = [f"good-{i}" for i in range(5)] + ["poison"] + [f"good-{i}" for i in range(5, 9)] + ["last"]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, enable_idempotence=True)
    await producer.start()
    for text in texts:  # all there before the consumer starts: they come in one batch
        await producer.send_and_wait(topic, _event(text).model_dump_json().encode(), key=b"k")
    await producer.stop()

    await runtime.broker.start()
    try:
        await asyncio.wait_for(everything_seen.wait(), 60)
    finally:
        await runtime.broker.stop()
        await runtime.client.close()

    assert len(batches[0]) == len(texts), "the records did not come as one batch"
    assert sorted(stored) == sorted(t for t in texts if t != "poison"), "a good event was lost or handled twice"
    letters = [json.loads(v) for v in await _read(infra.kafka_bootstrap, settings.topic(dlq_topic(REPORTS_SUBMITTED)), 1)]
    assert json.loads(base64.b64decode(letters[0]["value_b64"]))["report"]["text"] == "poison"
    assert letters[0]["error_type"] == "PermanentError"


async def test_a_message_too_large_for_its_dead_letter_is_dead_lettered_as_a_prefix_and_the_next_one_flows(
        infra, topic_prefix, mongo_db_name):
    import hashlib

    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri,
        TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name,
    )
    topic = settings.topic(REPORTS_SUBMITTED)
    await ensure_topics(infra.kafka_bootstrap, {topic: 1, settings.topic(dlq_topic(REPORTS_SUBMITTED)): 1}, options=infra.kafka_options)
    runtime = Runtime.create(settings)
    handled = asyncio.Event()

    async def handle(event: ReportSubmitted) -> None:
        handled.set()

    runtime.subscribe(topic=REPORTS_SUBMITTED, group="test-big", model=ReportSubmitted, handle=handle)
    # Under the broker's 1 MiB limit, but base64 of it (a naive dead letter) would not be.
    huge = b'{"report": "' + b"x" * 900_000 + b'"'
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, enable_idempotence=True)
    await producer.start()
    await producer.send_and_wait(topic, huge, key=b"k")
    await producer.send_and_wait(topic, _event("after the big one").model_dump_json().encode(), key=b"k")
    await producer.stop()

    await runtime.broker.start()
    try:
        await asyncio.wait_for(handled.wait(), 60)
    finally:
        await runtime.broker.stop()
        await runtime.client.close()

    letter = json.loads((await _read(infra.kafka_bootstrap, settings.topic(dlq_topic(REPORTS_SUBMITTED)), 1))[0])
    assert letter["truncated"] is True and letter["value_size"] == len(huge)
    assert letter["value_sha256"] == hashlib.sha256(huge).hexdigest()
    assert huge.startswith(base64.b64decode(letter["value_b64"])) and len(base64.b64decode(letter["value_b64"])) == 64 * 1024

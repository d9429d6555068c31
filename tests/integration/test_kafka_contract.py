"""What the services rely on from Kafka, proved against the real broker with aiokafka:
explicit topic creation, an idempotent acks=all producer, per-key order across a
6-partition topic, and at-least-once delivery (uncommitted offsets are redelivered)."""
from __future__ import annotations

import asyncio
from collections import defaultdict

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from deploy.local.infra import create_topics

KEYS = [f"case-{i}" for i in range(12)]
PER_KEY = 25


def _consumer(infra, topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, group_id=group,
                            enable_auto_commit=False, auto_offset_reset="earliest")


async def _take(consumer: AIOKafkaConsumer, n: int, timeout: float = 30) -> list:
    records: list = []
    async with asyncio.timeout(timeout):
        while len(records) < n:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    return records


async def test_create_topics_is_idempotent_and_makes_all_partitions(infra, topic_prefix):
    topic = f"{topic_prefix}events"
    assert await create_topics(infra.kafka_bootstrap, {topic: 6}, options=infra.kafka_options) == [topic]
    assert await create_topics(infra.kafka_bootstrap, {topic: 6}, options=infra.kafka_options) == []   # "already exists" is fine
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options)
    await producer.start()
    try:
        assert len(await producer.partitions_for(topic)) == 6
    finally:
        await producer.stop()


async def test_keyed_messages_keep_per_key_order_and_uncommitted_ones_are_redelivered(infra, topic_prefix):
    topic, group = f"{topic_prefix}events", f"{topic_prefix}group"
    await create_topics(infra.kafka_bootstrap, {topic: 6}, options=infra.kafka_options)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        # Interleaved keys, all in flight at once: order must still hold per key.
        sends = [await producer.send(topic, f"{key}:{seq}".encode(), key=key.encode())
                 for seq in range(PER_KEY) for key in KEYS]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()

    first = _consumer(infra, topic, group)
    await first.start()
    try:
        records = await _take(first, len(KEYS) * PER_KEY)
        await first.commit()
        seen: dict[str, list[int]] = defaultdict(list)
        partitions: dict[str, set[int]] = defaultdict(set)
        for r in records:
            key, seq = r.value.decode().split(":")
            seen[key].append(int(seq))
            partitions[key].add(r.partition)
        assert all(seen[key] == list(range(PER_KEY)) for key in KEYS), seen
        assert all(len(p) == 1 for p in partitions.values())             # a key lives on one partition
        assert len(set().union(*partitions.values())) > 1                # and the keys are spread

        # One more message, read but not committed, then the consumer goes away.
        producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, enable_idempotence=True, acks="all")
        await producer.start()
        meta = await producer.send_and_wait(topic, b"case-0:uncommitted", key=b"case-0")
        await producer.stop()
        [unacked] = await _take(first, 1)
        assert unacked.value == b"case-0:uncommitted"
    finally:
        await first.stop()  # no auto-commit: nothing more is committed on close

    second = _consumer(infra, topic, group)
    await second.start()
    try:
        [again] = await _take(second, 1)
        assert (again.value, again.partition, again.offset) == (b"case-0:uncommitted", meta.partition, meta.offset)
        assert await second.getmany(timeout_ms=1000) == {}              # only that one comes back
        committed = await second.committed(TopicPartition(topic, meta.partition))
        assert committed == meta.offset                                  # the group stopped right before it
    finally:
        await second.stop()

"""The bare-Kafka ceiling the pipeline is measured against: the same number of messages
relayed through three topics by three consumer→producer processes doing no work
(acks=all, idempotent producers, offsets committed after each batch is produced).

    python -m bench.e2e.relay_baseline hop --bootstrap HOST:PORT --src A --dst B --group G
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from deploy.local.infra import create_topics
from libs.common.kafka_auth import client_options
from libs.common.settings import ServiceSettings

PARTITIONS = 6


async def hop(bootstrap: str, src: str, dst: str, group: str) -> None:
    options = client_options(ServiceSettings())  # the same SCRAM login as the services (KAFKA_* settings)
    consumer = AIOKafkaConsumer(src, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest", fetch_max_wait_ms=50, **options)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5, **options)
    await consumer.start()
    await producer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            sends = [await producer.send(dst, r.value, key=r.key) for records in batches.values() for r in records]
            if sends:
                await asyncio.gather(*sends)
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


async def measure(bootstrap: str, messages: int, payload: bytes, options: dict[str, Any], env: dict[str, str]) -> float:
    """Messages per second from the first produce to the last arrival on the third topic."""
    run = uuid.uuid4().hex[:6]
    topics = [f"bench-relay-{run}-{i}" for i in range(4)]
    await create_topics(bootstrap, {t: PARTITIONS for t in topics}, options=options)
    hops = [subprocess.Popen([sys.executable, "-m", "bench.e2e.relay_baseline", "hop", "--bootstrap", bootstrap,
                              "--src", topics[i], "--dst", topics[i + 1], "--group", f"bench-relay-{run}-{i}"],
                             env=os.environ | env)
            for i in range(3)]
    sink = AIOKafkaConsumer(topics[3], bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                            fetch_max_wait_ms=50, **options)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5, **options)
    await sink.start()
    await producer.start()
    try:
        await _warm_up(producer, sink, topics[0])
        started = time.monotonic()
        sends = [await producer.send(topics[0], payload, key=str(i).encode()) for i in range(messages)]
        await asyncio.gather(*sends)
        seen = 0
        async with asyncio.timeout(300):
            while seen < messages:
                batches = await sink.getmany(timeout_ms=500)
                seen += sum(len(records) for records in batches.values())
        return messages / (time.monotonic() - started)
    finally:
        await producer.stop()
        await sink.stop()
        for proc in hops:
            proc.terminate()
        for proc in hops:
            proc.wait(15)


async def _warm_up(producer: AIOKafkaProducer, sink: AIOKafkaConsumer, first: str) -> None:
    """One message through all hops first, so group joins are not timed."""
    await (await producer.send(first, b"warm-up", key=b"w"))
    async with asyncio.timeout(120):
        while not await sink.getmany(timeout_ms=500):
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    h = sub.add_parser("hop")
    h.add_argument("--bootstrap", required=True)
    h.add_argument("--src", required=True)
    h.add_argument("--dst", required=True)
    h.add_argument("--group", required=True)
    args = parser.parse_args()
    asyncio.run(hop(args.bootstrap, args.src, args.dst, args.group))


if __name__ == "__main__":
    main()

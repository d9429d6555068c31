"""Test doubles and helpers for intake's tests and the bench (never imported by a service).

`running(app)` runs the app's lifespan (database, Kafka, workers) and gives an httpx
client talking to it in-process; `RecordingSender` stands in for platforms' callback URLs.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI

from tests.support.kafka import kafka_options
from libs.common import signing
from libs.common.events import Event
from services.intake.settings import IntakeSettings
from tests.support.auth import with_operator

SECRET_KEY = "intake-test-secret-key-0123456789"


def settings_for(infra: Any, topic_prefix: str, mongo_db_name: str, **fields: Any) -> IntakeSettings:
    values: dict[str, Any] = dict(
        KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri, TOPIC_PREFIX=topic_prefix,
        MONGO_DB_PREFIX=mongo_db_name, NETREPORT_SECRET_KEY=SECRET_KEY, LOG_JSON=False, LOG_LEVEL="WARNING")
    return IntakeSettings(**with_operator(values | fields))  # type: ignore[arg-type]


@asynccontextmanager
async def running(app: FastAPI, *, client_ip: str = "198.51.100.7", kafka: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan running; waits for Kafka unless `kafka=False`."""
    async with app.router.lifespan_context(app):
        if kafka:
            await wait_for(app.state.runtime.kafka_ready.is_set, timeout=60)
        transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield client


async def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(interval)


def signed(secret: str, body: bytes, *, key: str, timestamp: int | None = None) -> dict[str, str]:
    headers = signing.signed_headers(secret, int(time.time()) if timestamp is None else timestamp, body)
    return {**headers, "X-Idempotency-Key": key, "Content-Type": "application/json"}


async def publish(bootstrap: str, topic: str, *events: Event) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **kafka_options(), enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, event.model_dump_json().encode(), key=event.key.encode())
    finally:
        await producer.stop()


async def read_topic(bootstrap: str, topic: str, *, until: Callable[[list[dict[str, Any]]], bool],
                     timeout: float = 60.0, settle_s: float = 0.0) -> list[dict[str, Any]]:
    """Every message on `topic` from the start, until `until(messages)`, then `settle_s` more."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, **kafka_options(), group_id=None, auto_offset_reset="earliest",
                                metadata_max_age_ms=1000)
    await consumer.start()
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    settle_until: float | None = None
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            out.extend(json.loads(r.value) for records in batch.values() for r in records)
            now = time.monotonic()
            if settle_until is None and until(out):
                settle_until = now + settle_s
            if settle_until is not None and now >= settle_until:
                return out
            if now > deadline:
                raise TimeoutError(f"{topic}: condition not met, {len(out)} messages read")
    finally:
        await consumer.stop()


@dataclass
class RecordingSender:
    """A platform's callback URL: records every POST and answers from `statuses` in turn."""

    statuses: list[int] = field(default_factory=lambda: [200])
    calls: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.calls.append((url, body, headers))
        return self.statuses[min(len(self.calls), len(self.statuses)) - 1]

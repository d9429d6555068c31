"""Helpers for dispatch's integration tests (no tests here; the name keeps it among dispatch's
files): the dispatch app in-process on the real Kafka and database with a movable clock,
and plain aiokafka readers and writers that know only the JSON on the topics."""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI

from tests.support.kafka import kafka_options
from libs.common.clock import ManualClock
from libs.common.events import CaseFeedback, CaseRef, Event, ReportContent, ReportTriaged, TriageDecision
from services.dispatch.app import create_app
from services.dispatch.feedback_signature import department_key, sign_feedback
from services.dispatch.settings import DispatchSettings
from tests.support.auth import with_operator

START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Nanning, a working day


def triaged(case_id: str, report_id: str, *, category: str = "gambling", severity: str = "important",
            location: str = "南宁市青秀区新竹街道", urls: tuple[str, ...] = (), zone: str | None = None,
            text: str = "有人在群里发博彩网站链接，拉人充值下注") -> ReportTriaged:
    report = ReportContent(report_id=report_id, tracking_no=f"T-{report_id}", channel="web", text=text,
                           location=location, target_urls=list(urls), reporter_pid=f"rp-{report_id}",
                           submitted_at=START)
    return ReportTriaged(report=report, case=CaseRef(case_id=case_id),
                         decision=TriageDecision(category=category, severity=severity, zone=zone))


def feedback(case_id: str, department: str, action: str, result: str | None = None, **kw: Any) -> CaseFeedback:
    return CaseFeedback(case_id=case_id, department_code=department, action=action, result=result, **kw)


class TopicReader:
    """Everything on some topics from the beginning, read by a plain aiokafka consumer, once per event id."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self.consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, **kafka_options(), group_id=None,
                                         auto_offset_reset="earliest", metadata_max_age_ms=500)
        self.records: list[tuple[str, dict[str, Any]]] = []
        self._task: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        seen: set[tuple[str, str]] = set()
        async for record in self.consumer:
            value = json.loads(record.value)
            # At-least-once: the relay may publish an event twice (two relays, a crash); every
            # consumer skips repeats by event_id, and so does this reader.
            key = (record.topic, value.get("event_id") or f"{record.partition}:{record.offset}")
            if key in seen:
                continue
            seen.add(key)
            self.records.append((record.topic, value))
            self._arrived.set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.consumer.stop()

    def matching(self, predicate: Callable[[str, dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return [value for topic, value in self.records if predicate(topic, value)]

    async def wait_for(self, predicate: Callable[[str, dict[str, Any]], bool], n: int = 1,
                       timeout: float = 30.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            while len(found := self.matching(predicate)) < n:
                self._arrived.clear()
                await self._arrived.wait()
        return found


@dataclass
class Running:
    app: FastAPI
    http: httpx.AsyncClient
    settings: DispatchSettings
    clock: ManualClock
    producer: AIOKafkaProducer
    readers: list[TopicReader] = field(default_factory=list)

    def topic(self, name: str) -> str:
        return self.settings.topic(name)

    async def send(self, event: Event, topic: str) -> None:
        """On `topic` as its producer would send it: an answer signed by its department."""
        if isinstance(event, CaseFeedback) and event.signature is None:
            event = sign_feedback(event, department_key(self.app.state.ctx.feedback_key, event.department_code))
        await self.producer.send_and_wait(self.topic(topic), event.model_dump_json().encode(), key=event.key.encode())

    async def read(self, *topics: str) -> TopicReader:
        reader = TopicReader(self.settings.kafka_bootstrap_servers, [self.topic(t) for t in topics])
        await reader.start()
        self.readers.append(reader)
        return reader

    async def case(self, case_id: str) -> dict[str, Any] | None:
        return await self.app.state.ctx.store.get(case_id)

    async def case_when(self, case_id: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30.0) -> dict[str, Any]:
        """The stored case once it satisfies `predicate` (polled: the consumer works meanwhile)."""
        async with asyncio.timeout(timeout):
            while True:
                case = await self.case(case_id)
                if case is not None and predicate(case):
                    return case
                await asyncio.sleep(0.1)

    async def handled(self, group: str, *event_ids: str, timeout: float = 30.0) -> None:
        """Wait until consumer group `group` has taken these events (its inbox marks them, also
        when the handler only noted them); later ones on the same key come after."""
        inbox = self.app.state.ctx.store.cases.database["inbox"]
        async with asyncio.timeout(timeout):
            for event_id in event_ids:
                while await inbox.find_one({"_id": f"{group}:{event_id}"}) is None:
                    await asyncio.sleep(0.1)

    async def relayed(self) -> None:
        """Publish what the last tick or handler stored, now (the relay would within 0.5 s)."""
        await self.app.state.ctx.relay.relay_once()


OPERATOR_TOKEN = "dispatch-operator-test-token-0123"
SECRET_KEY = "dispatch-test-secret-key-0123456789"


def settings_for(infra: Any, topic_prefix: str, mongo_db_name: str, **extra: Any) -> DispatchSettings:
    return DispatchSettings(KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri,  # type: ignore[call-arg]
                            TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name, LOG_JSON=False,
                            LOG_LEVEL="WARNING", chase_interval_s=3600,
                            **with_operator({"NETREPORT_SECRET_KEY": SECRET_KEY} | extra, OPERATOR_TOKEN))


@contextlib.asynccontextmanager
async def running_dispatch(settings: DispatchSettings, clock: ManualClock | None = None,
                           **overrides: Any) -> AsyncIterator[Running]:
    """The dispatch app with its lifespan (Kafka, Mongo, consumers, relay), ready."""
    clock = clock or ManualClock(START)
    app = create_app(settings, clock=clock, **overrides)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_options(), acks="all")
    # Bounded below pytest-timeout, so a hang fails with the line it hung on, not a bare timeout.
    async with asyncio.timeout(240), app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dispatch",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}) as http:
            async with asyncio.timeout(60):
                while (await http.get("/health/ready")).status_code != 200:
                    await asyncio.sleep(0.2)
            await producer.start()
            running = Running(app, http, settings, clock, producer)
            try:
                yield running
            finally:
                for reader in running.readers:
                    await reader.stop()
                await producer.stop()

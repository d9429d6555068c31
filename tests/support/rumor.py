"""Test doubles and helpers for rumor's tests and bench (never imported by the service).

`running(app)` runs the app's lifespan and gives an httpx client talking to it in-process;
`ChannelReceiver` is a real local HTTP server standing in for the external channels of
the media matrix: it checks signatures, dedupes on the idempotency key like a well-behaved
channel, and answers from a per-channel script (fail N times, always fail, ...).
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from deploy.local.infra import free_port
from libs.common.events import CaseRef, ReportContent, ReportTriaged, TriageDecision
from services.rumor.delivery import signing
from services.rumor.settings import RumorSettings
from tests.support.auth import with_operator
# The generic Kafka test helpers are intake's, re-exported rather than written twice.
from tests.support.intake import publish, read_topic, wait_for  # noqa: F401

SECRET_KEY = "rumor-test-secret-key-0123456789"
OPERATOR_TOKEN = "operator-test-token-0123456789"

# One claim told three ways, and its rebuttal: what the integration tests, e2e and bench use.
BRIDGE_TEXTS = [
    "网传邕江大桥桥墩出现大裂缝马上要垮塌了，大家这几天千万不要走邕江大桥",
    "朋友圈都在转邕江大桥桥墩开裂要垮塌，让大家不要从邕江大桥过，是真的吗",
    "邕江大桥桥墩裂缝很大随时垮塌的消息到处在传，说不要走邕江大桥",
]
BRIDGE_REBUTTAL = {
    "title": "“邕江大桥桥墩开裂即将垮塌”系谣言",
    "body": "近日，网传邕江大桥桥墩开裂即将垮塌。\n经市住房和城乡建设局会同桥梁管养单位现场检测，桥梁结构安全，通行正常。",
    "authority": "南宁市住房和城乡建设局",
    "claim_reviewed": "邕江大桥桥墩开裂即将垮塌",
    "evidence_links": ["https://www.nanning.gov.cn/example/bridge-inspection"],
}


def triaged(n: int, text: str) -> ReportTriaged:
    """A rumor report as triage publishes it: report `rep-<n>`, case `case-<n>`."""
    content = ReportContent(report_id=f"rep-{n}", tracking_no=f"NN-{n}", channel="web", text=text,
                            location="南宁市青秀区", submitted_at=datetime.now(UTC))
    return ReportTriaged(report=content, decision=TriageDecision(category="rumor", severity="general"),
                         case=CaseRef(case_id=f"case-{n}"))


def settings_for(infra: Any, topic_prefix: str, mongo_db_name: str, **fields: Any) -> RumorSettings:
    values: dict[str, Any] = dict(
        KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri, TOPIC_PREFIX=topic_prefix,
        MONGO_DB_PREFIX=mongo_db_name, NETREPORT_SECRET_KEY=SECRET_KEY, LOG_JSON=False, LOG_LEVEL="WARNING",
        channel_dev_secrets=True, public_base_url="http://rumor.test",
        delivery_backoff_s=0.05, delivery_backoff_max_s=0.2, delivery_attempts=4)
    return RumorSettings(**with_operator(values | fields, OPERATOR_TOKEN))  # type: ignore[arg-type]


def operator_headers(token: str = OPERATOR_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running(app: FastAPI, *, kafka: bool = True, timeout: float = 60) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan running; waits for Kafka and the delivery group unless `kafka=False`."""
    async with app.router.lifespan_context(app):
        if kafka:
            await wait_for(app.state.runtime.kafka_ready.is_set, timeout=timeout)
            await asyncio.wait_for(app.state.deliveries.assigned.wait(), timeout)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rumor.test") as client:
            yield client


class ChannelReceiver:
    """The external channels, on 127.0.0.1: POST /channels/{code}.

    `script[code]`: statuses to answer in turn (then 200); `down`: channels that always
    answer 503. `accepted[code]`: deliveries taken (once per idempotency key);
    `resent_after_ack[code]`: POSTs of a key the channel had already acknowledged.
    """

    def __init__(self, secret_of: Callable[[str], str], *, script: Mapping[str, list[int]] | None = None,
                 down: set[str] | None = None, latency_s: float = 0.0, port: int | None = None) -> None:
        self.secret_of = secret_of
        self.latency_s = latency_s  # a channel's own processing time, for the bench
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.down = set(down or ())
        self.accepted: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.attempts: dict[str, int] = defaultdict(int)
        self.resent_after_ack: dict[str, int] = defaultdict(int)
        self.bad_signatures = 0
        self.arrivals: list[tuple[str, str, int, float]] = []  # (code, rebuttal id, version, monotonic time)
        self._acked: dict[str, set[str]] = defaultdict(set)
        self.port = port or free_port()
        self.app = FastAPI()
        self.app.post("/channels/{code}")(self._receive)
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url_template(self) -> str:
        return f"http://127.0.0.1:{self.port}/channels/{{code}}"

    async def _receive(self, code: str, request: Request) -> JSONResponse:
        body = await request.body()
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        ok = signing.verify(self.secret_of(code), timestamp=request.headers.get("x-timestamp"),
                            signature=request.headers.get("x-signature"), body=body, now=time.time())
        if not ok:
            self.bad_signatures += 1
            return JSONResponse({"error": "bad signature"}, status_code=401)
        self.attempts[code] += 1
        status = 503 if code in self.down else (self.script[code].pop(0) if self.script.get(code) else 200)
        if status >= 300:
            return JSONResponse({"error": "unavailable"}, status_code=status)
        key = request.headers["idempotency-key"]
        if key in self._acked[code]:
            self.resent_after_ack[code] += 1
            return JSONResponse({"duplicate": True})
        self._acked[code].add(key)
        payload = json.loads(body)
        self.accepted[code].append(payload)
        self.arrivals.append((code, payload["rebuttal_id"], payload["version"], time.monotonic()))
        return JSONResponse({"id": f"{code}-{len(self.accepted[code])}"})

    async def __aenter__(self) -> ChannelReceiver:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        await wait_for(lambda: self._server is not None and self._server.started, timeout=10, interval=0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task

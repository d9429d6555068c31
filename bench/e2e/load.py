"""Load over HTTP and its timing: each report is timed from the start of its
`POST /api/v1/reports` to its first message on `reports.replies` (dispatched, joined or
invalid), read by a plain aiokafka consumer in this process (one clock for both ends)."""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer


@dataclass
class Run:
    submitted: dict[str, float] = field(default_factory=dict)  # report_id -> start of its POST
    replied: dict[str, float] = field(default_factory=dict)  # report_id -> first reply seen
    refused: int = 0
    started: float = 0.0

    def latencies_ms(self) -> list[float]:
        return sorted((self.replied[r] - t) * 1000 for r, t in self.submitted.items() if r in self.replied)

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms()
        end = max(self.replied.values(), default=self.started)
        return {"reports": len(self.submitted), "answered": len(lat), "refused": self.refused,
                "throughput_rps": round(len(lat) / max(end - self.started, 1e-9), 1),
                "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99)}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return round(values[min(len(values) - 1, int(len(values) * q / 100))], 1)


class ReplyWatcher:
    """Reads reports.replies from its current end, noting the first reply per report."""

    def __init__(self, bootstrap: str, topic: str, options: dict[str, Any]) -> None:
        # No group: every partition is assigned to this consumer, read from the end.
        self.consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, fetch_max_wait_ms=20,
                                         enable_auto_commit=False, auto_offset_reset="latest", **options)
        self.run: Run | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        async with asyncio.timeout(60):
            while not self.consumer.assignment():
                await asyncio.sleep(0.2)
        for tp in self.consumer.assignment():
            await self.consumer.position(tp)  # resolve "latest" now, before anything is submitted
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=200)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    report_id = json.loads(record.value).get("report_id")
                    if self.run is not None and report_id and report_id not in self.run.replied:
                        self.run.replied[report_id] = now

    async def wait_answered(self, run: Run, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(run.replied.keys() & run.submitted.keys()) < len(run.submitted):
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.consumer.stop()


async def _post(client: httpx.AsyncClient, run: Run, body: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        r = await client.post("/api/v1/reports", json=body)
    except httpx.HTTPError:
        run.refused += 1
        return
    if r.status_code == 202:
        run.submitted[r.json()["report_id"]] = started
    else:
        run.refused += 1


async def closed_loop(base_url: str, bodies: list[dict[str, Any]], run: Run, clients: int = 64) -> None:
    """As fast as `clients` concurrent reporters allow."""
    queue = iter(bodies)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        async def reporter() -> None:
            for body in queue:
                await _post(client, run, body)

        run.started = time.monotonic()
        await asyncio.gather(*(reporter() for _ in range(clients)))


async def open_loop(base_url: str, bodies: list[dict[str, Any]], run: Run, rate: float) -> None:
    """A fixed offered load: one report every 1/rate seconds whatever the answers take."""
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        run.started = time.monotonic()
        tasks = []
        for i, body in enumerate(bodies):
            delay = run.started + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_post(client, run, body)))
        await asyncio.gather(*tasks)

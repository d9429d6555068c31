"""Readiness is not liveness: when the database becomes unreachable, /health/ready answers
503 (take the instance out of the load balancer) while /health/live stays 200 (do not
restart it: it will recover), and readiness comes back with the database. The shell is
libs.common.service.build_app, the one every service runs in."""
from __future__ import annotations

import asyncio
import contextlib
import socket
from urllib.parse import urlparse

import httpx

from libs.common.service import Runtime, build_app
from libs.common.settings import ServiceSettings


class TcpProxy:
    """A cable we can pull: forwards a local port to the real database."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = _free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _status(client: httpx.AsyncClient, path: str) -> int:
    return (await client.get(path)).status_code


async def test_readiness_fails_without_the_database_while_liveness_stays_up(infra, topic_prefix, mongo_db_name):
    mongo = urlparse(infra.mongo_uri)
    proxy = TcpProxy(mongo.hostname or "127.0.0.1", mongo.port or 27017)
    await proxy.start()
    settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=f"mongodb://127.0.0.1:{proxy.port}",  # type: ignore[call-arg]
                               TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name, LOG_JSON=False, LOG_LEVEL="WARNING",
                               service_name="readiness-probe")
    runtime = Runtime.create(settings)
    app = build_app(runtime, title="readiness probe", topics={})
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc", timeout=30) as client:
            await asyncio.wait_for(runtime.kafka_ready.wait(), 60)
            assert await _status(client, "/health/ready") == 200

            await proxy.stop()  # the database is gone
            ready = await client.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json() == {"status": "not_ready", "mongodb": False, "kafka": True}
            assert await _status(client, "/health/live") == 200

            await proxy.start()  # and back
            for _ in range(60):
                if await _status(client, "/health/ready") == 200:
                    break
                await asyncio.sleep(0.5)
            assert await _status(client, "/health/ready") == 200
    await proxy.stop()

"""A TCP proxy on loopback between the services and the database that can hold back every
reply: the "database slow" fault. It runs its own event loop in a thread, so it keeps
answering while a test blocks or its own loop is busy streaming reports.

Replies are framed by the MongoDB wire protocol (each message starts with its total length,
int32 little-endian), so the delay is one per reply, not one per TCP segment. Requests pass
untouched. When the database goes away (the kill test) both sides of each connection are
closed, as a dead server's would be.

Besides the shared port, a named lane is a port of its own with its own delay, so one
service can be given a slow database while the others are not (the flood test holds back
triage alone: how fast it then works depends on the delay, not on the machine's speed).
"""
from __future__ import annotations

import asyncio
import random
import struct
import threading
from contextlib import suppress
from functools import partial

SHARED = ""


class SlowProxy:
    def __init__(self, upstream_host: str, upstream_port: int, lanes: tuple[str, ...] = ()) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.ports: dict[str, int] = {}
        self._delays = {lane: (0.0, 0.0) for lane in (SHARED, *lanes)}
        self._loop = asyncio.new_event_loop()
        self._servers: list[asyncio.Server] = []
        self._thread = threading.Thread(target=self._loop.run_forever, name="slow-db-proxy", daemon=True)
        self.replies_delayed = 0

    @property
    def uri(self) -> str:
        return self.uri_of(SHARED)

    def uri_of(self, lane: str) -> str:
        # directConnection: the driver must not look past the proxy for the server's own address.
        return f"mongodb://127.0.0.1:{self.ports[lane]}/?directConnection=true"

    def start(self) -> SlowProxy:
        self._thread.start()
        for lane in self._delays:
            server = asyncio.run_coroutine_threadsafe(
                asyncio.start_server(partial(self._serve, lane), "127.0.0.1", 0), self._loop).result(10)
            self._servers.append(server)
            self.ports[lane] = server.sockets[0].getsockname()[1]
        return self

    def slow(self, low_s: float, high_s: float | None = None, lane: str | None = None) -> None:
        """Every reply from now on waits a random time in [low_s, high_s], on every port or on
        `lane`'s alone; slow(0) ends it."""
        for name in self._delays if lane is None else (lane,):
            self._delays[name] = (low_s, low_s if high_s is None else high_s)

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _serve(self, lane: str, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:  # the database is down: the driver sees a connection closed at once
            client_w.close()
            return
        pumps = [asyncio.create_task(self._requests(client_r, server_w)),
                 asyncio.create_task(self._replies(lane, server_r, client_w))]
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for task in pumps:
            task.cancel()
        for writer in (client_w, server_w):
            writer.close()
            with suppress(OSError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(OSError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()

    async def _replies(self, lane: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(OSError, asyncio.IncompleteReadError):
            while True:
                header = await reader.readexactly(4)
                body = await reader.readexactly(struct.unpack("<i", header)[0] - 4)
                low, high = self._delays[lane]
                if high > 0:
                    self.replies_delayed += 1
                    await asyncio.sleep(random.uniform(low, high))
                writer.write(header + body)
                await writer.drain()

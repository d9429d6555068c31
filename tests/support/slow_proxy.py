"""A TCP proxy on loopback between the services and the database that can hold back every
reply: the "database slow" fault. It runs its own event loop in a thread, so it keeps
answering while a test blocks or its own loop is busy streaming reports.

Replies are framed by the MongoDB wire protocol (each message starts with its total length,
int32 little-endian), so the delay is one per reply, not one per TCP segment. Requests pass
untouched. When the database goes away (the kill test) both sides of each connection are
closed, as a dead server's would be.
"""
from __future__ import annotations

import asyncio
import random
import struct
import threading
from contextlib import suppress


class SlowProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._delay = (0.0, 0.0)
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="slow-db-proxy", daemon=True)
        self.replies_delayed = 0

    @property
    def uri(self) -> str:
        # directConnection: the driver must not look past the proxy for the server's own address.
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self) -> SlowProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def slow(self, low_s: float, high_s: float | None = None) -> None:
        """Every reply from now on waits a random time in [low_s, high_s]; slow(0) ends it."""
        self._delay = (low_s, low_s if high_s is None else high_s)

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
        except OSError:  # the database is down: the driver sees a connection closed at once
            client_w.close()
            return
        pumps = [asyncio.create_task(self._requests(client_r, server_w)),
                 asyncio.create_task(self._replies(server_r, client_w))]
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

    async def _replies(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(OSError, asyncio.IncompleteReadError):
            while True:
                header = await reader.readexactly(4)
                body = await reader.readexactly(struct.unpack("<i", header)[0] - 4)
                low, high = self._delay
                if high > 0:
                    self.replies_delayed += 1
                    await asyncio.sleep(random.uniform(low, high))
                writer.write(header + body)
                await writer.drain()

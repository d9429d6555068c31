"""Refuse oversized request bodies (413), declared or not.

A Content-Length above the limit is refused before anything is read. A body without one
(Transfer-Encoding: chunked) is read up to the limit and refused as soon as it passes it,
so no route ever holds more than the limit in memory. Plain ASGI, so it sees the raw stream.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from libs.common.http.errors import error_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
DEFAULT_MAX_BYTES = 256 * 1024


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int = DEFAULT_MAX_BYTES, limits: dict[str, int] | None = None,
                 on_refused: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limits = limits or {}  # path prefix → its own limit (platform batches, platform answers)
        self.on_refused = on_refused  # told the path of each refusal (metrics)

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.limits.items() if path.startswith(prefix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nobody to answer
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        if self.on_refused is not None:
            self.on_refused(scope["path"])
        response = error_response(413, "too_large", f"请求体过大（上限 {limit} 字节）")
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later calls: wait for the disconnect as usual

    return replay

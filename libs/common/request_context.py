"""The HTTP edge every service shares: a request id on every log line, and request metrics.

The caller's `X-Request-ID` is kept when it is a sane token (a gateway or a platform may
send one to follow its call through our logs); otherwise one is made. It is bound into
structlog's contextvars for the whole request, so every log line written while serving it
carries `request_id`, and it is returned in the response's `X-Request-ID` header.
"""
from __future__ import annotations

import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, unbind_contextvars

from libs.common import metrics
from libs.common.logs import get_logger

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")  # never echo arbitrary bytes into logs and headers
_QUIET = ("/metrics", "/health/")  # scraped and probed every few seconds: no log line each
log = get_logger(__name__)


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            if _SANE.match(candidate):
                return candidate
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The route template (`/api/v1/cases/{case_id}`), so the label set stays bounded."""
    route: Any = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class RequestContext:
    """Pure ASGI middleware (no extra task, so the contextvars reach the endpoint)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        bind_contextvars(request_id=request_id)
        status = 500  # what the client gets if the app raises before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            unbind_contextvars("request_id")

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route, method = route_of(scope), scope.get("method", "")
        metrics.HTTP_REQUESTS.labels(service=self.service, method=method, route=route, status=str(status)).inc()
        metrics.HTTP_DURATION.labels(service=self.service, route=route).observe(elapsed)
        if not scope.get("path", "").startswith(_QUIET):
            log.info("http_request", method=method, route=route, status=status, duration_ms=round(elapsed * 1000, 1))

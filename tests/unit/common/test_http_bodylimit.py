"""Oversized bodies are refused with 413, whether declared (Content-Length) or chunked."""
from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from libs.common.http.bodylimit import BodySizeLimit


async def _echo_length(scope, receive, send) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def _client(limit: int = 100) -> httpx.AsyncClient:
    app = BodySizeLimit(_echo_length, max_bytes=limit, limits={"/api/v1/platforms/": 1000})
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake")


async def _chunks(n: int, size: int) -> AsyncIterator[bytes]:
    for _ in range(n):
        yield b"x" * size


async def test_a_declared_length_over_the_limit_is_refused_before_reading():
    async with _client() as client:
        r = await client.post("/api/v1/reports", content=b"x" * 101)
    assert r.status_code == 413
    assert r.json()["error"] == "too_large" and "100" in r.json()["message"]


async def test_a_chunked_body_without_content_length_is_counted_and_refused():
    async with _client() as client:
        small = await client.post("/api/v1/reports", content=_chunks(3, 30))
        big = await client.post("/api/v1/reports", content=_chunks(5, 30))
    assert "content-length" not in small.request.headers and small.request.headers["transfer-encoding"] == "chunked"
    assert small.status_code == 200 and small.text == "90"
    assert big.status_code == 413


async def test_the_platform_webhook_has_its_own_larger_limit():
    async with _client() as client:
        r = await client.post("/api/v1/platforms/forum/reports", content=_chunks(9, 100))
        too_big = await client.post("/api/v1/platforms/forum/reports", content=_chunks(11, 100))
    assert r.status_code == 200 and r.text == "900"
    assert too_big.status_code == 413


async def test_a_nonsense_content_length_is_refused():
    async with _client() as client:
        r = await client.post("/api/v1/reports", content=b"x", headers={"content-length": "-1"})
    assert r.status_code == 413

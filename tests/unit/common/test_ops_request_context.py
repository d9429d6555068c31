"""Every service's HTTP edge (libs.common.request_context): a request id in the response
header and on every log line written while serving the request, and request metrics by
route template."""
from __future__ import annotations

import json

import httpx
import structlog
from fastapi import FastAPI
from prometheus_client import REGISTRY

from libs.common.logs import configure_logging, get_logger
from libs.common.request_context import HEADER, RequestContext


def _app() -> FastAPI:
    app = FastAPI()
    log = get_logger("test")

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        log.info("thing_served", thing_id=thing_id)
        return {"id": thing_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: RequestContext(build(), "testsvc")  # type: ignore[method-assign]
    return app


async def _get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path, headers=headers)


async def test_a_callers_request_id_is_kept_and_returned() -> None:
    r = await _get("/things/1", {HEADER: "gw-123.abc"})
    assert r.headers[HEADER] == "gw-123.abc"


async def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one() -> None:
    fresh = await _get("/things/1")
    unsafe = await _get("/things/1", {HEADER: "x\" injected=1 " + "a" * 200})
    assert len(fresh.headers[HEADER]) == 32
    assert unsafe.headers[HEADER] != fresh.headers[HEADER] and "injected" not in unsafe.headers[HEADER]


async def test_every_log_line_of_the_request_carries_its_request_id(capsys) -> None:
    configure_logging("testsvc", "INFO", json=True)
    try:
        await _get("/things/42", {HEADER: "req-42"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        structlog.reset_defaults()
    served = [line for line in lines if line["event"] in ("thing_served", "http_request")]
    assert {line["event"] for line in served} == {"thing_served", "http_request"}
    assert all(line["request_id"] == "req-42" and line["service"] == "testsvc" for line in served)


async def test_requests_are_counted_by_route_template_with_errors_as_500() -> None:
    def count(route: str, status: str) -> float:
        labels = {"service": "testsvc", "method": "GET", "route": route, "status": status}
        return REGISTRY.get_sample_value("netreport_http_requests_total", labels) or 0.0

    before_ok, before_err = count("/things/{thing_id}", "200"), count("/boom", "500")
    await _get("/things/7")
    r = await _get("/boom")
    assert r.status_code == 500 and r.headers.get(HEADER)
    assert count("/things/{thing_id}", "200") == before_ok + 1
    assert count("/boom", "500") == before_err + 1

"""Platforms as handlers over the real Kafka and database, with a local platform (an HTTP
server on 127.0.0.1, allow-listed for the URL checker): the signed takedown callback, the
platform's later signed answer, the re-check after the delay (moved clock), and the case
REOPENED because the content is still online; a platform that stays down ends in the DLQ."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from libs.common.topics import CASES_EVENTS, CASES_TAKEDOWN, REPORTS_REPLIES, REPORTS_TRIAGED, dlq_topic
from services.dispatch.takedown.callback import sign, signed_headers

from tests.support.dispatch import START, running_dispatch, settings_for, triaged

SECRET = "local-platform-secret-0123456789"
SECRET_ENV = "TEST_DISPATCH_PLATFORM_SECRET"


class Platform:
    """A platform's takedown endpoint and one of its pages, on a local port."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answer = {"status": "removed", "result": "已删除该帖并封禁发帖账号"}
        self.page_status, self.page_body = 200, "<p>低俗视频合集</p>"
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = sign(SECRET, self.headers["X-Timestamp"], body) == self.headers["X-Signature"]
                platform.requests.append({"signed": signed, **json.loads(body)})
                self._reply(200 if signed else 401, json.dumps(platform.answer, ensure_ascii=False))

            def do_GET(self) -> None:  # noqa: N802
                self._reply(platform.page_status, platform.page_body)

            def _reply(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def registry_file(self, folder: Path, takedown_url: str | None = None) -> Path:
        path = folder / "platforms.yaml"
        path.write_text(json.dumps({  # JSON is YAML
            "policy": {"handler_severities": ["general"], "handler_categories": ["vulgar"], "co_categories": ["vulgar"]},
            "platforms": [{"id": "local-forum", "name": "本地测试论坛", "hosts": ["127.0.0.1"],
                           "takedown_url": takedown_url or f"{self.base}/takedown", "secret_env": SECRET_ENV}],
        }), encoding="utf-8")
        return path


@pytest.fixture
def platform(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    served = Platform()
    yield served
    served.server.shutdown()


def on(topic_suffix: str, **fields):
    return lambda topic, value: topic.endswith(topic_suffix) and all(value.get(k) == v for k, v in fields.items())


async def test_content_still_online_after_removal_reopens_the_case(infra, topic_prefix, mongo_db_name, platform, tmp_path):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=platform.registry_file(tmp_path),
                            urlcheck_allow_hosts="127.0.0.1", recheck_delay_s=3600)
    reopened_before = REGISTRY.get_sample_value("netreport_cases_reopened_total", {"reason": "still_online"}) or 0
    url = f"{platform.base}/t/123"
    async with running_dispatch(settings) as d:
        out = await d.read(CASES_EVENTS, REPORTS_REPLIES)
        platform.answer = {"status": "accepted"}  # first, the platform only acknowledges
        await d.send(triaged("case-p", "r-1", category="vulgar", severity="general", urls=(url,)), REPORTS_TRIAGED)
        case = await d.case_when("case-p", lambda c: c["status"] == "accepted")
        assert case["department_code"] == "platform.local-forum"
        assert platform.requests[0]["signed"] and platform.requests[0]["target_urls"] == [url]
        assert "rp-r-1" not in json.dumps(platform.requests[0])

        # Later the platform answers on the signed feedback endpoint: removed.
        body = json.dumps({"case_id": "case-p", "status": "removed", "result": "已删除", "dispatch_no": 1}).encode()
        forged = await d.http.post("/api/v1/platforms/local-forum/feedback", content=body,
                                   headers=signed_headers("wrong-secret-0123456789", int(time.time()), body))
        assert forged.status_code == 401
        answered = await d.http.post("/api/v1/platforms/local-forum/feedback", content=body,
                                     headers=signed_headers(SECRET, int(time.time()), body))
        assert answered.status_code == 202
        case = await d.case_when("case-p", lambda c: c["status"] == "closed")
        assert case["recheck"]["state"] == "pending" and case["recheck"]["at"] == START + timedelta(hours=1)
        [closed] = await out.wait_for(on(REPORTS_REPLIES, kind="closed"))
        assert "本地测试论坛" in closed["text"] and "复查" in closed["text"]

        # The page is still there an hour later: the case opens again and the platform is asked again.
        d.clock.advance(timedelta(minutes=59))
        assert await d.app.state.rechecker.tick(d.clock.now()) == 0
        platform.answer = {"status": "removed", "result": "已彻底删除"}
        d.clock.advance(timedelta(minutes=1))
        await d.app.state.rechecker.tick(d.clock.now())
        reopened = await d.case("case-p")
        assert (reopened["status"], reopened["dispatch_no"], reopened["reopened"]) == ("dispatched", 2, 1)
        await d.relayed()
        [event] = await out.wait_for(on(CASES_EVENTS, case_id="case-p", kind="reopened"))
        assert event["data"]["urls"] == [url]
        replies = await out.wait_for(on(REPORTS_REPLIES, kind="dispatched", report_id="r-1"), n=2)
        assert "仍可访问" in replies[-1]["text"]
        assert REGISTRY.get_sample_value("netreport_cases_reopened_total", {"reason": "still_online"}) == reopened_before + 1

        # Asked again, the platform removes it for good; the next re-check confirms it.
        case = await d.case_when("case-p", lambda c: c["status"] == "closed")
        assert [r["dispatch_no"] for r in platform.requests] == [1, 2]
        assert case["recheck"]["at"] == START + timedelta(hours=2)
        platform.page_status = 404
        d.clock.advance(timedelta(hours=1))
        await d.app.state.rechecker.tick(d.clock.now())
        confirmed = await d.case("case-p")
        assert confirmed["status"] == "closed" and confirmed["recheck"]["state"] == "confirmed"
        view = (await d.http.get("/api/v1/cases/case-p")).json()
        assert [e["kind"] for e in view["history"]] == [
            "takedown_requested", "dispatched", "accepted", "handled", "closed",
            "takedown_requested", "reopened", "handled", "closed", "removal_confirmed"]


async def test_a_platform_that_stays_down_is_noted_on_the_case_and_the_request_dead_lettered(
        infra, topic_prefix, mongo_db_name, platform, tmp_path):
    platform.server.shutdown()
    platform.server.server_close()  # nothing listens there any more
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=platform.registry_file(tmp_path),
                            takedown_attempts=2)
    async with running_dispatch(settings) as d:
        out = await d.read(CASES_EVENTS, dlq_topic(CASES_TAKEDOWN))
        await d.send(triaged("case-down", "r-1", category="vulgar", severity="general", urls=(f"{platform.base}/t/1",)),
                     REPORTS_TRIAGED)
        [failed] = await out.wait_for(on(CASES_EVENTS, case_id="case-down", kind="takedown_failed"), timeout=60)
        assert failed["data"]["platform"] == "platform.local-forum"
        [letter] = await out.wait_for(lambda topic, v: topic.endswith(".dlq"), timeout=60)
        assert letter["error_type"] == "PermanentError" and letter["consumer"] == "dispatch-takedown"
        # The case still has its deadline: the chase goes on for the platform as for anyone.
        assert (await d.case("case-down"))["status"] == "dispatched"

"""Platform webhooks over the real Kafka and database: signed batches accepted item by item,
retries answered from the idempotency key without a second report, forged, stale and
replayed calls refused, and the case outcome pushed back, signed, to the platform."""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure

from libs.common import signing
from libs.common.events import ReporterReply
from libs.common.topics import REPORTS_REPLIES, REPORTS_SUBMITTED
from services.intake import metrics, webhook
from services.intake.app import create_app
from tests.support.intake import publish, read_topic, running, settings_for, signed, wait_for

SECRET = "forum-secret-for-tests-0123456789"
URL = "/api/v1/platforms/test-forum/reports"
_SEQUENCE = itertools.count()


def _signed(secret: str, body: bytes, *, key: str) -> dict[str, str]:
    """Each call its own timestamp: the same body signed twice in one second would be the
    same signature, which replay protection rightly refuses."""
    return signed(secret, body, key=key, timestamp=int(time.time()) - 250 + next(_SEQUENCE) % 500)


def _registry(tmp_path: Path, callback_url: str | None = None) -> Path:
    path = tmp_path / "platforms.yaml"
    path.write_text(json.dumps({"platforms": [
        {"id": "test-forum", "name": "测试论坛", "secret_env": "INTAKE_TEST_SECRET_FORUM", "callback_url": callback_url},
        {"id": "test-off", "name": "停用平台", "secret_env": "INTAKE_TEST_SECRET_FORUM", "active": False},
        {"id": "test-nosecret", "name": "未配置密钥", "secret_env": "INTAKE_TEST_SECRET_UNSET"},
    ]}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def platform_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_TEST_SECRET_FORUM", SECRET)
    monkeypatch.delenv("INTAKE_TEST_SECRET_UNSET", raising=False)


def _batch(*texts: str, bad: bool = False) -> bytes:
    reports = [{"text": t, "external_id": f"forum-{i}", "category_hint": "fraud"} for i, t in enumerate(texts)]
    if bad:
        reports.append({"text": "", "external_id": "forum-bad", "region_code": "x"})
    return json.dumps({"reports": reports}, ensure_ascii=False).encode()


async def _count_reports(infra, db_name: str) -> int:
    client = AsyncMongoClient(infra.mongo_uri)
    try:
        return await client[db_name]["reports"].count_documents({"content.channel": "platform"})
    finally:
        await client.close()


async def test_a_signed_batch_is_accepted_item_by_item_and_published(infra, topic_prefix, mongo_db_name, tmp_path, platform_env):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path))
    body = _batch("有人冒充客服让老人转账", "某APP推送虚假投资理财广告", bad=True)
    async with running(create_app(settings)) as client:
        r = await client.post(URL, content=body, headers=_signed(SECRET, body, key="batch-1"))
        assert r.status_code == 200, r.text
        result = r.json()
        assert (result["accepted"], result["rejected"], result["replayed"]) == (2, 1, False)
        good, also_good, bad = result["results"]
        assert good["status"] == "accepted" and good["external_id"] == "forum-0" and good["tracking_no"].startswith("NN-")
        assert bad["status"] == "rejected" and bad["external_id"] == "forum-bad"
        assert {(e["field"], e["reason"]) for e in bad["errors"]} == {("reports[2].text", "不能为空"),
                                                                      ("reports[2].region_code", "格式不正确")}
        status = await client.get(f"/api/v1/reports/{good['tracking_no']}", params={"token": good["status_token"]})
        assert status.status_code == 200 and status.json()["status"] == "received"
        ids = {good["report_id"], also_good["report_id"]}
        published = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED),
                                     until=lambda ms: ids <= {m["report"]["report_id"] for m in ms})
    assert {(m["report"]["channel"], m["report"]["platform_id"]) for m in published} == {("platform", "test-forum")}


async def test_a_retry_with_the_same_key_returns_the_first_results_and_creates_no_second_report(
        infra, topic_prefix, mongo_db_name, tmp_path, platform_env):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path))
    body = _batch("网贷平台暴力催收，威胁曝光通讯录", "假冒政府网站收集身份证信息")
    async with running(create_app(settings), kafka=False) as client:
        first = (await client.post(URL, content=body, headers=_signed(SECRET, body, key="k-42"))).json()
        retry = await client.post(URL, content=body, headers=_signed(SECRET, body, key="k-42"))
        racing = await asyncio.gather(*[
            client.post(URL, content=body, headers=_signed(SECRET, body, key="k-43"))
            for i in range(3)])
        other_body = _batch("完全不同的一批举报")
        conflict = await client.post(URL, content=other_body, headers=_signed(SECRET, other_body, key="k-42"))
    assert retry.status_code == 200 and retry.json()["replayed"] is True
    assert retry.json()["results"] == first["results"]
    assert [r.status_code for r in racing] == [200, 200, 200]
    assert len({json.dumps(r.json()["results"]) for r in racing}) == 1
    assert conflict.status_code == 422 and conflict.json()["error"] == "idempotency_conflict"
    assert await _count_reports(infra, settings.mongo_db) == 4  # two batches of two, nothing twice


async def test_forged_stale_replayed_and_unknown_calls_are_refused(infra, topic_prefix, mongo_db_name, tmp_path, platform_env):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path), webhook_max_batch=3)
    body = _batch("某直播间售卖假药")
    failures = metrics.WEBHOOK_SIGNATURE_FAILURES
    before = {r: failures.labels(reason=r)._value.get() for r in ("mismatch", "stale", "replayed", "missing")}
    async with running(create_app(settings), kafka=False) as client:
        forged = await client.post(URL, content=body, headers=_signed("another-secret-0123456789", body, key="a"))
        stale = await client.post(URL, content=body, headers=signed(SECRET, body, key="b", timestamp=int(time.time()) - 301))
        headers = _signed(SECRET, body, key="c")
        once = await client.post(URL, content=body, headers=headers)
        again = await client.post(URL, content=body, headers=headers)
        unsigned = await client.post(URL, content=body, headers={"X-Idempotency-Key": "d"})
        unknown = await client.post("/api/v1/platforms/no-such/reports", content=body, headers=_signed(SECRET, body, key="e"))
        inactive = await client.post("/api/v1/platforms/test-off/reports", content=body, headers=_signed(SECRET, body, key="f"))
        no_secret = await client.post("/api/v1/platforms/test-nosecret/reports", content=body, headers=_signed(SECRET, body, key="g"))
        no_key = await client.post(URL, content=body, headers={k: v for k, v in _signed(SECRET, body, key="h").items()
                                                               if k != "X-Idempotency-Key"})
        big = _batch(*[f"举报{i}" for i in range(4)])
        too_many = await client.post(URL, content=big, headers=_signed(SECRET, big, key="i"))
    assert [x.status_code for x in (forged, stale, once, again, unsigned)] == [401, 401, 200, 401, 401]
    assert forged.json()["error"] == "bad_signature" and "签名校验失败" in forged.json()["message"]
    assert "时钟" in stale.json()["message"] and "重放" in again.json()["message"]
    assert [x.status_code for x in (unknown, inactive, no_secret)] == [404, 404, 404]
    assert no_key.status_code == 422 and "X-Idempotency-Key" in no_key.json()["message"]
    assert too_many.status_code == 422 and "reports" in too_many.json()["message"]
    after = {r: failures.labels(reason=r)._value.get() for r in before}
    assert {r: after[r] - before[r] for r in before} == {"mismatch": 1, "stale": 1, "replayed": 1, "missing": 1}


async def test_a_platform_flooding_gets_429_with_retry_after(infra, topic_prefix, mongo_db_name, tmp_path, platform_env):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path),
                            rate_platform_per_minute=60, rate_platform_burst=3)
    async with running(create_app(settings), kafka=False) as client:
        first = _batch("一", "二", "三")
        ok = await client.post(URL, content=first, headers=_signed(SECRET, first, key="flood-1"))
        second = _batch("四", "五")
        refused = await client.post(URL, content=second, headers=_signed(SECRET, second, key="flood-2"))
    assert ok.status_code == 200 and refused.status_code == 429
    assert refused.json()["error"] == "rate_limited" and 1 <= int(refused.headers["retry-after"]) <= 3


async def test_a_batch_interrupted_half_way_is_finished_by_the_retry_with_the_same_numbers(
        infra, topic_prefix, mongo_db_name, tmp_path, platform_env, monkeypatch):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path))
    body = _batch("第一条：冒充公检法诈骗", "第二条：虚假中奖短信", "第三条：刷单返利骗局")
    real_accept, calls = webhook.accept_report, []

    async def accept_then_lose_the_database(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionFailure("database went away")
        return await real_accept(*args, **kwargs)

    async with running(create_app(settings), kafka=False) as client:
        monkeypatch.setattr(webhook, "accept_report", accept_then_lose_the_database)
        broken = await client.post(URL, content=body, headers=_signed(SECRET, body, key="half"))
        monkeypatch.setattr(webhook, "accept_report", real_accept)
        retry = await client.post(URL, content=body, headers=_signed(SECRET, body, key="half"))
        results = retry.json()["results"]
        statuses = [await client.get(f"/api/v1/reports/{r['tracking_no']}", params={"token": r["status_token"]})
                    for r in results]
    assert broken.status_code == 503 and broken.headers["retry-after"]
    assert retry.status_code == 200 and [r["status"] for r in results] == ["accepted"] * 3
    assert [s.status_code for s in statuses] == [200, 200, 200]
    assert await _count_reports(infra, settings.mongo_db) == 3


class _Platform(BaseHTTPRequestHandler):
    """A platform's callback endpoint: answers 503 once, then 200; keeps what it got."""

    received: list[tuple[dict[str, str], bytes]] = []
    answers: list[int] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(type(self).answers.pop(0) if type(self).answers else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def test_the_case_outcome_is_pushed_back_signed_and_retried_until_the_platform_takes_it(
        infra, topic_prefix, mongo_db_name, tmp_path, platform_env):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Platform)
    _Platform.received, _Platform.answers = [], [503]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{server.server_address[1]}/netreport/outcome"
    settings = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path, callback))
    body = _batch("某论坛帖子散布地震谣言")
    try:
        async with running(create_app(settings)) as client:
            item = (await client.post(URL, content=body, headers=_signed(SECRET, body, key="outcome"))).json()["results"][0]
            dispatched = ReporterReply(report_id=item["report_id"], kind="dispatched", text="已转办", status="dispatched")
            closed = ReporterReply(report_id=item["report_id"], kind="closed", text="已办结：谣言帖已删除并辟谣。",
                                   status="closed", case_id="case-9")
            await publish(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES), dispatched, closed)
            await wait_for(lambda: len(_Platform.received) >= 2, timeout=60)
            await asyncio.sleep(0.5)  # a dispatched reply must not be pushed: give it the chance
    finally:
        server.shutdown()
    assert len(_Platform.received) == 2  # 503 then 200, within one pass (tenacity)
    headers, raw = _Platform.received[-1]
    assert signing.verify(SECRET, timestamp=headers["x-timestamp"], signature=headers["x-signature"], body=raw,
                          now=time.time(), skew_s=300) is None
    payload = json.loads(raw)
    assert payload["outcome"] == "closed" and payload["external_id"] == "forum-0"
    assert payload["tracking_no"] == item["tracking_no"] and payload["text"] == "已办结：谣言帖已删除并辟谣。"
    assert headers["x-event-id"] == closed.event_id

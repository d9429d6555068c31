"""Intake's public and operator API over the real Kafka and database: a report is stored,
numbered and published; its status shows the history and the final reply; imminent danger
reaches triage; refusals are clear, field by field, in one error format."""
from __future__ import annotations

import json

from pymongo import AsyncMongoClient

from libs.common.events import ReporterReply
from libs.common.topics import REPORTS_REPLIES, REPORTS_SUBMITTED
from services.intake.app import create_app
from services.intake.danger import ADVICE
from tests.support.intake import publish, read_topic, running, settings_for, wait_for


async def test_a_report_is_numbered_published_and_its_status_shows_history_and_final_reply(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name)
    app = create_app(settings)
    async with running(app) as client:
        r = await client.post("/api/v1/reports", params={"channel": "miniprogram"}, json={
            "text": "ｗｗｗ．ｂｅｔ８８．ｃｏｍ 网站拉人赌博\u200b，充值送彩金", "category_hint": "gambling",
            "target_urls": ["https://bet88.example.com/a"], "contact": {"name": "李四", "phone": "13912345678"}})
        assert r.status_code == 202, r.text
        receipt = r.json()
        assert receipt["tracking_no"].startswith("NN-") and receipt["advice"] is None

        published = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED),
                                     until=lambda ms: any(m["report"]["report_id"] == receipt["report_id"] for m in ms))
        report = published[0]["report"]
        assert report["channel"] == "miniprogram" and report["text"] == "www.bet88.com 网站拉人赌博,充值送彩金"  # NFKC folds the full-width comma too
        assert report["reporter_pid"].startswith("rp-") and "13912345678" not in json.dumps(published)

        for kind, status, text in (("dispatched", "dispatched", "已转交南宁市公安局办理。"),
                                   ("closed", "closed", "已办结：涉赌网站已关停。")):
            await publish(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES), ReporterReply(
                report_id=receipt["report_id"], kind=kind, text=text, status=status, case_id="case-1"))

        async def closed() -> dict | None:
            body = (await client.get(receipt["status_url"].removeprefix(settings.public_base_url))).json()
            return body if body["status"] == "closed" else None

        status = await wait_for(closed, timeout=60)
    assert status["status_zh"] == "已办结" and status["reply"] == "已办结：涉赌网站已关停。"
    assert [(h["status"], h["status_zh"]) for h in status["history"]] == [
        ("received", "已受理"), ("dispatched", "已转办"), ("closed", "已办结")]

    client = AsyncMongoClient(infra.mongo_uri, tz_aware=True)
    try:
        stored = await client[settings.mongo_db]["reports"].find_one({"_id": receipt["report_id"]})
    finally:
        await client.close()
    assert "13912345678" not in json.dumps(stored, default=str) and stored["reporter_sealed"]
    assert stored["verdict"] == "valid" and stored["case_closed"] is True


async def test_imminent_danger_is_answered_with_110_advice_and_flagged_for_triage(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name)
    async with running(create_app(settings)) as client:
        danger = (await client.post("/api/v1/reports", json={"text": "有人正在直播自残，快救救她"})).json()
        plain = (await client.post("/api/v1/reports", json={"text": "网上说明天全市停水，是谣言吗"})).json()
        assert danger["advice"] == ADVICE and "110" in danger["advice"] and plain["advice"] is None
        ids = {danger["report_id"], plain["report_id"]}
        published = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED),
                                     until=lambda ms: ids <= {m["report"]["report_id"] for m in ms})
    flags = {m["report"]["report_id"]: m["report"]["imminent_danger"] for m in published}
    assert flags == {danger["report_id"]: True, plain["report_id"]: False}


async def test_bad_input_is_refused_field_by_field_in_one_chinese_error_format(infra, topic_prefix, mongo_db_name):
    async with running(create_app(settings_for(infra, topic_prefix, mongo_db_name)), kafka=False) as client:
        r = await client.post("/api/v1/reports", json={"text": "有诈骗", "region_code": "abc",
                                                        "contact": {"email": "not-an-email"}})
        assert r.status_code == 422
        body = r.json()
        assert body["error"] == "validation_failed" and body["message"].startswith("请求内容有误")
        assert {d["field"] for d in body["detail"]} == {"region_code", "contact.email"}
        assert all(d["msg"] == "格式不正确" for d in body["detail"])
        assert any(d["loc"][-1] == "region_code" for d in body["detail"])

        not_json = await client.post("/api/v1/reports", content=b"{text:", headers={"content-type": "application/json"})
        assert not_json.status_code == 422 and not_json.json()["detail"][0]["msg"] == "不是有效的 JSON"

        not_utf8 = await client.post("/api/v1/reports", content=b"\xff\xfe{", headers={"content-type": "application/json"})
        assert not_utf8.status_code == 422 and not_utf8.json()["detail"][0]["field"] == "body"

        wrong = await client.get("/api/v1/reports/NN-20260101-000001", params={"token": "x" * 20})
        assert wrong.status_code == 404 and wrong.json()["error"] == "not_found"

        huge = await client.post("/api/v1/reports", content=b"{" + b" " * 300_000 + b"}",
                                 headers={"content-type": "application/json"})
        assert huge.status_code == 413 and huge.json()["error"] == "too_large"


async def test_a_flood_from_one_address_is_answered_429_with_retry_after(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name, rate_ip_per_minute=6, rate_ip_burst=3)
    async with running(create_app(settings), kafka=False, client_ip="198.51.100.99") as client:
        answers = [await client.post("/api/v1/reports", json={"text": f"刷屏测试第{i}条：某网站发布赌博广告"})
                   for i in range(4)]
        refused = await client.post("/api/v1/reports", json={"text": "再来一条"})
        # Looking up a status has its own bucket: a refused writer can still follow its reports.
        receipt = answers[0].json()
        still_readable = await client.get(f"/api/v1/reports/{receipt['tracking_no']}", params={"token": receipt["status_token"]})
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert still_readable.status_code == 200
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 10


async def test_operator_endpoints_need_a_configured_token(infra, topic_prefix, mongo_db_name):
    body = {"channel": "phone", "operator": "值班员007", "text": "来电反映：某公众号冒充银行客服实施诈骗",
            "contact": {"name": "王五", "phone": "13700000000"}}
    async with running(create_app(settings_for(infra, topic_prefix, mongo_db_name)), kafka=False) as client:
        unset = await client.post("/api/v1/operator/reports", json=body, headers={"Authorization": "Bearer anything"})
    assert unset.status_code == 503 and "OPERATOR_TOKENS" in unset.json()["message"]

    settings = settings_for(infra, topic_prefix, mongo_db_name, operator_token="op-token-for-tests-0123")
    async with running(create_app(settings)) as client:
        wrong = await client.post("/api/v1/operator/reports", json=body, headers={"Authorization": "Bearer nope"})
        missing = await client.post("/api/v1/operator/reports", json=body)
        ok = await client.post("/api/v1/operator/reports", json=body,
                               headers={"Authorization": "Bearer op-token-for-tests-0123"})
        email = await client.post("/api/v1/operator/reports", json={**body, "channel": "email"},
                                  headers={"Authorization": "Bearer op-token-for-tests-0123"})
        bad_channel = await client.post("/api/v1/operator/reports", json={**body, "channel": "web"},
                                        headers={"Authorization": "Bearer op-token-for-tests-0123"})
        assert (wrong.status_code, missing.status_code, ok.status_code, email.status_code) == (401, 401, 202, 202)
        assert bad_channel.status_code == 422 and bad_channel.json()["detail"][0]["field"] == "channel"
        ids = {ok.json()["report_id"], email.json()["report_id"]}
        published = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED),
                                     until=lambda ms: ids <= {m["report"]["report_id"] for m in ms})
    assert sorted(m["report"]["channel"] for m in published) == ["email", "phone"]
    assert "值班员007" not in json.dumps(published, ensure_ascii=False)


async def test_the_openapi_document_describes_fields_in_chinese(infra, topic_prefix, mongo_db_name):
    async with running(create_app(settings_for(infra, topic_prefix, mongo_db_name)), kafka=False) as client:
        doc = (await client.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    assert schemas["ReportIn"]["properties"]["text"]["description"] == "举报内容描述"
    assert schemas["ReportStatus"]["properties"]["reply"]["description"].startswith("最终答复")
    assert "PlatformBatchIn" in schemas and "external_id" in schemas["PlatformReportIn"]["properties"]
    push = doc["paths"]["/api/v1/platforms/{platform_id}/reports"]["post"]
    assert "HMAC-SHA256" in push["description"] and {"401", "404", "422", "429"} <= set(push["responses"])
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/PlatformBatchIn")

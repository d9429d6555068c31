"""Volunteers over the real Kafka and database: registration with sealed personal data,
reports carrying the volunteer id, counts from the replies, points and a ranking for
operators, and the trusted-reporter flag reaching triage once earned."""
from __future__ import annotations

import json

from pymongo import AsyncMongoClient

from libs.common.events import ReporterReply
from libs.common.topics import REPORTS_REPLIES, REPORTS_SUBMITTED
from services.intake.app import create_app
from tests.support.intake import publish, read_topic, running, settings_for, wait_for

OPERATOR = {"Authorization": "Bearer op-token-for-volunteer-tests"}


async def test_a_volunteer_earns_trust_from_valid_reports_and_triage_sees_the_flag(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name, operator_token="op-token-for-volunteer-tests",
                            trusted_min_reports=3, trusted_min_valid_ratio=0.66)
    async with running(create_app(settings)) as client:
        r = await client.post("/api/v1/volunteers", json={
            "name": "韦小宝", "region": "广西柳州市城中区", "contact": {"phone": "13877000001", "email": "wxb@example.cn"}})
        assert r.status_code == 201, r.text
        me = r.json()
        assert me["volunteer_id"].startswith("NN-V") and me["reports_url"].endswith(f"/volunteers/{me['volunteer_id']}/reports")
        auth = {"Authorization": f"Bearer {me['volunteer_token']}"}
        other = (await client.post("/api/v1/volunteers", json={
            "name": "刘三姐", "region": "广西柳州市鱼峰区", "contact": {"phone": "13877000002"}})).json()

        url = f"/api/v1/volunteers/{me['volunteer_id']}/reports"
        receipts = [(await client.post(url, headers=auth, json={"text": text})).json() for text in (
            "某公众号发布虚假招工信息骗取押金", "某短视频账号直播售卖假冒药品", "今天天气不错")]
        assert all("tracking_no" in rc for rc in receipts)
        for receipt, (kind, status) in zip(receipts, [("dispatched", "dispatched"), ("closed", "closed"),
                                                      ("invalid", "invalid")], strict=True):
            await publish(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES), ReporterReply(
                report_id=receipt["report_id"], kind=kind, text=f"{kind} 答复", status=status))

        async def counted() -> dict | None:
            stats = (await client.get(f"/api/v1/volunteers/{me['volunteer_id']}", headers=auth)).json()
            return stats if stats["valid_reports"] == 2 and stats["invalid_reports"] == 1 else None

        stats = await wait_for(counted, timeout=60)
        trusted_receipt = (await client.post(url, headers=auth, json={"text": "某网站售卖公民个人信息"})).json()
        published = await read_topic(
            infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED),
            until=lambda ms: trusted_receipt["report_id"] in {m["report"]["report_id"] for m in ms})

        ranking = await client.get("/api/v1/volunteers/ranking", headers=OPERATOR)
        no_operator = await client.get("/api/v1/volunteers/ranking")
        wrong_token = await client.post(url, headers={"Authorization": "Bearer not-the-token"}, json={"text": "举报"})
        someone_else = await client.post(f"/api/v1/volunteers/{other['volunteer_id']}/reports", headers=auth,
                                         json={"text": "冒用他人志愿者编号"})
        unreachable = await client.post("/api/v1/volunteers", json={
            "name": "无名", "region": "广西柳州市", "contact": {"name": "无名"}})

    assert (stats["reports"], stats["accepted_cases"], stats["trusted"]) == (3, 1, True)
    assert stats["points"] == 2 * 2 + 5 - 1
    by_id = {m["report"]["report_id"]: m["report"] for m in published}
    assert [by_id[rc["report_id"]]["trusted_reporter"] for rc in receipts] == [False, False, False]
    flagged = by_id[trusted_receipt["report_id"]]
    assert flagged["trusted_reporter"] is True and flagged["channel"] == "volunteer"
    assert flagged["volunteer_id"] == me["volunteer_id"] and flagged["reporter_pid"].startswith("rp-")

    assert ranking.status_code == 200 and no_operator.status_code == 401
    rows = ranking.json()
    assert [(row["volunteer_id"], row["rank"]) for row in rows] == [(me["volunteer_id"], 1), (other["volunteer_id"], 2)]
    assert rows[0]["display_name"] == "韦**" and rows[0]["region"] == "广西柳州市城中区"
    assert "13877000001" not in ranking.text
    assert wrong_token.status_code == 401 and someone_else.status_code == 401
    assert unreachable.status_code == 422 and "联系方式" in unreachable.json()["message"]

    client = AsyncMongoClient(infra.mongo_uri)
    try:
        stored = await client[settings.mongo_db]["volunteers"].find_one({"_id": me["volunteer_id"]})
    finally:
        await client.close()
    raw = json.dumps(stored, ensure_ascii=False, default=str)
    assert "13877000001" not in raw and "韦小宝" not in raw and me["volunteer_token"] not in raw

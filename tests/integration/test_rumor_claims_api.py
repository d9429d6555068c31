"""Claims over the real Kafka and database: rumor reports cluster into a claim that raises one
谣言预警 when it gathers reports fast (and the metric counts it); the operator API is closed
without the token and refuses bad input in one Chinese error format."""
from __future__ import annotations

from datetime import UTC, datetime

from libs.common.events import CaseRef, ReportContent, ReportTriaged, TriageDecision
from libs.common.topics import REPORTS_TRIAGED, RUMORS_EVENTS
from services.rumor import metrics
from services.rumor.app import create_app
from services.rumor.clustering.claims import new_claim
from services.rumor.clustering.reports import RumorReport
from tests.support.rumor import (
    BRIDGE_REBUTTAL, BRIDGE_TEXTS, operator_headers, publish, read_topic, running, settings_for, triaged, wait_for,
)

MORE_TEXTS = [
    "听说邕江大桥桥墩开裂了快要垮塌，邕江大桥这几天别走了",
    "群里说邕江大桥桥墩有大裂缝随时会垮塌，通知大家不要走邕江大桥",
    "邕江大桥桥墩开裂垮塌的说法在微信群疯传，大家都不敢走邕江大桥了",
]


def _fraud(n: int) -> ReportTriaged:
    content = ReportContent(report_id=f"fraud-{n}", tracking_no=f"NN-F{n}", channel="web",
                            text="有人冒充客服让我转账退款", submitted_at=datetime.now(UTC))
    return ReportTriaged(report=content, decision=TriageDecision(category="fraud", severity="important"),
                         case=CaseRef(case_id=f"case-f{n}"))


async def test_reports_of_one_claim_arriving_fast_raise_one_alert_and_the_claim_lists_its_reports(
        infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name, gauges_interval_s=0.2)
    alerts_before = metrics.RUMOR_ALERTS._value.get()
    app = create_app(settings, environ={})
    async with running(app) as client:
        texts = BRIDGE_TEXTS + MORE_TEXTS
        await publish(infra.kafka_bootstrap, settings.topic(REPORTS_TRIAGED), _fraud(1),
                      *(triaged(n, text) for n, text in enumerate(texts, start=1)))
        events = await read_topic(infra.kafka_bootstrap, settings.topic(RUMORS_EVENTS),
                                  until=lambda ms: any(m["kind"] == "alert" for m in ms), settle_s=2.0)
        assert [m["kind"] for m in events] == ["claim_created", "alert"]
        assert events[1]["data"]["report_count"] == 5 and events[1]["claim_id"] == events[0]["claim_id"]
        assert metrics.RUMOR_ALERTS._value.get() == alerts_before + 1

        async def all_six() -> dict | None:
            body = (await client.get("/api/v1/claims", headers=operator_headers(), params={"status": "open"})).json()
            return body if body["total"] == 1 and body["items"][0]["report_count"] == 6 else None

        listed = (await wait_for(all_six, timeout=30))["items"][0]
        # reports are keyed by case, so they arrive on different partitions, in any order
        assert listed["alerted_at"] is not None and set(listed["sample_texts"]) <= set(texts)
        assert listed["status_zh"] == "待核实" and listed["verdict"] is None
        await wait_for(lambda: metrics.CLAIMS_OPEN._value.get() == 1, timeout=10)


async def test_the_operator_api_is_closed_without_a_token_and_refuses_bad_input_in_chinese(
        infra, topic_prefix, mongo_db_name):
    closed = create_app(settings_for(infra, topic_prefix, mongo_db_name, operator_token=None), environ={})
    async with running(closed, kafka=False) as client:
        r = await client.get("/api/v1/claims", headers=operator_headers())
        assert r.status_code == 503 and "OPERATOR_TOKENS" in r.json()["message"]

    app = create_app(settings_for(infra, topic_prefix, mongo_db_name), environ={})
    async with running(app, kafka=False) as client:
        report = RumorReport(id="rep-x", text=BRIDGE_TEXTS[0], reported_at=datetime.now(UTC))
        profile = new_claim(report)
        assert await app.state.desk.store.insert(profile, [])
        base = f"/api/v1/claims/{profile.claim_id}"

        assert (await client.get(base)).status_code == 401
        wrong = await client.get(base, headers=operator_headers("not-the-token"))
        assert wrong.status_code == 401 and wrong.json()["error"] == "unauthorized"

        bad = await client.post(f"{base}/verification", headers=operator_headers(), json={"verdict": "fake"})
        assert bad.status_code == 422 and bad.json()["message"].startswith("请求内容有误：verdict")
        bad = await client.put(f"{base}/rebuttal", headers=operator_headers(),
                               json=BRIDGE_REBUTTAL | {"evidence_links": ["javascript:alert(1)"], "title": ""})
        assert {d["field"] for d in bad.json()["detail"]} == {"title", "evidence_links[0]"}

        early = await client.put(f"{base}/rebuttal", headers=operator_headers(), json=BRIDGE_REBUTTAL)
        assert early.status_code == 409 and early.json()["message"].startswith("请先完成核实查证")
        nothing = await client.post(f"{base}/rebuttal/publish", headers=operator_headers())
        assert nothing.status_code == 409 and nothing.json()["error"] == "not_verified"
        missing = await client.get("/api/v1/claims/clm-00000000000000000000", headers=operator_headers())
        assert missing.status_code == 404 and missing.json()["error"] == "claim_not_found"

        channels = (await client.get("/api/v1/channels", headers=operator_headers())).json()
        assert len(channels) == 62 and sum(c["kind"] == "alliance" for c in channels) == 57
        # environ={} and no URL template: the webhook channels say what is missing.
        assert all(c["configured"] == (c["adapter"] == "website") for c in channels)
        assert "RUMOR_CHANNEL_<CODE>_URL" in channels[1]["problem"]

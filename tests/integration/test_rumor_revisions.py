"""Corrections and withdrawals over the real Kafka and database: a new version goes to every
channel that has (or is getting) the rebuttal and to the same reporters; a channel that never
got it is re-published from the CLI with the current version as a first publication; a
withdrawal takes the website's ClaimReview markup down and marks the feed entry."""
from __future__ import annotations

import extruct
import feedparser

from libs.common.topics import REPORTS_REPLIES, REPORTS_TRIAGED
from services.rumor.app import create_app
from services.rumor.publishing.matrix import dev_secret
from services.rumor.publishing.republish import run as republish
from tests.support.rumor import (
    BRIDGE_REBUTTAL as REBUTTAL, BRIDGE_TEXTS as TEXTS, SECRET_KEY, ChannelReceiver, operator_headers, publish,
    read_topic, running, settings_for, triaged, wait_for,
)

CORRECTED = REBUTTAL | {"body": REBUTTAL["body"] + "\n附：检测报告编号 2027-QL-018。", "title": "“邕江大桥即将垮塌”系谣言（更正）"}


async def test_a_correction_and_a_withdrawal_reach_the_channels_that_had_it_and_the_same_reporters(
        infra, topic_prefix, mongo_db_name):
    async with ChannelReceiver(lambda code: dev_secret(SECRET_KEY, code), down={"nn-tv"}) as receiver:
        settings = settings_for(infra, topic_prefix, mongo_db_name, channel_url_template=receiver.url_template,
                                delivery_attempts=2)
        app = create_app(settings, environ={})
        live = [c.code for c in app.state.matrix.channels if c.adapter == "webhook" and c.code != "nn-tv"]
        async with running(app) as client:
            await publish(infra.kafka_bootstrap, settings.topic(REPORTS_TRIAGED), triaged(1, TEXTS[0]))
            claims = await wait_for(lambda: _claims(client), timeout=60)
            base = f"/api/v1/claims/{claims[0]['claim_id']}"
            h = operator_headers()
            early = await client.post(f"{base}/rebuttal/correction", headers=h, json=CORRECTED | {"note": "补充"})
            assert early.status_code == 409 and early.json()["error"] == "not_published"
            assert (await client.post(f"{base}/verification", headers=h, json={"verdict": "false"})).status_code == 200
            assert (await client.put(f"{base}/rebuttal", headers=h, json=REBUTTAL)).status_code == 200
            rebuttal_id = (await client.post(f"{base}/rebuttal/publish", headers=h)).json()["rebuttal_id"]
            await wait_for(lambda: all(receiver.accepted[c] for c in live), timeout=60)
            await wait_for(lambda: _status(client, base, "nn-tv", "failed"), timeout=30)

            r = await client.post(f"{base}/rebuttal/correction", headers=h, json=CORRECTED | {"note": "补充检测报告编号"})
            assert r.status_code == 200 and r.json()["rebuttal_version"] == 2, r.text
            await wait_for(lambda: all(len(receiver.accepted[c]) == 2 for c in live), timeout=60)
            assert {receiver.accepted[c][1]["action"] for c in live} == {"correct"}
            assert receiver.attempts["nn-tv"] == 2  # the failed channel is not sent the correction

            # The channel recovers; the CLI re-publishes every failed channel: it gets version 2,
            # as a first publication, since it never showed version 1.
            receiver.down.discard("nn-tv")
            staged = await republish(settings, claim_id=claims[0]["claim_id"], channels=[], failed=True)
            assert [(row["channel"], row["version"]) for row in staged] == [("nn-tv", 2)]
            await wait_for(lambda: receiver.accepted["nn-tv"], timeout=30)
            assert (receiver.accepted["nn-tv"][0]["action"], receiver.accepted["nn-tv"][0]["version"]) == ("publish", 2)

            page = await client.get(f"/rebuttals/{rebuttal_id}")
            assert "第 2 版" in page.text and CORRECTED["title"] in page.text

            r = await client.post(f"{base}/rebuttal/withdrawal", headers=h, json={"reason": "原核查结论有误，待重新核实"})
            assert r.status_code == 200 and r.json()["status"] == "withdrawn", r.text
            await wait_for(lambda: all(receiver.accepted[c][-1]["action"] == "withdraw" for c in live + ["nn-tv"]),
                           timeout=60)

            async def withdrawn_page() -> str | None:
                text = (await client.get(f"/rebuttals/{rebuttal_id}")).text
                return text if "class=\"withdrawn\"" in text else None

            page_text = await wait_for(withdrawn_page, timeout=30)
            assert extruct.extract(page_text, syntaxes=["json-ld"])["json-ld"] == []
            feed = feedparser.parse((await client.get("/rebuttals/feed.atom")).content)
            assert feed.entries[0].title.startswith("【已撤回】")

            replies = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES),
                                       until=lambda ms: len(ms) >= 3)
            assert [(m["report_id"], m["kind"]) for m in replies] == [
                ("rep-1", "rebuttal"), ("rep-1", "correction"), ("rep-1", "correction")]
            assert "补充检测报告编号" in replies[1]["text"] and "已撤回" in replies[2]["text"]


async def _claims(client) -> list[dict] | None:
    body = (await client.get("/api/v1/claims", headers=operator_headers())).json()
    return body["items"] or None


async def _status(client, base: str, channel: str, status: str) -> bool:
    detail = (await client.get(base, headers=operator_headers())).json()
    return any(d["channel"] == channel and d["status"] == status for d in detail["deliveries"])

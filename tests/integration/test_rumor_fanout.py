"""Rebuttal fan-out over the real Kafka and database, with a real local HTTP server standing in
for the 61 external channels of Nanning's media matrix: every channel gets the rebuttal, a
channel that fails twice gets it exactly once, a channel that never recovers ends in its DLQ
with the reason and is re-published by an operator later; every reporter of the claim,
before and after publication, is told with the link."""
from __future__ import annotations

import base64

import extruct
import feedparser

from libs.common.events import MediaDelivery
from libs.common.topics import REPORTS_REPLIES, REPORTS_TRIAGED, RUMORS_EVENTS, dlq_topic, media_topic
from services.rumor import metrics
from services.rumor.app import create_app
from services.rumor.publishing.matrix import dev_secret
from tests.support.rumor import (
    BRIDGE_REBUTTAL as REBUTTAL, BRIDGE_TEXTS as TEXTS, SECRET_KEY, ChannelReceiver, operator_headers, publish, read_topic,
    running, settings_for, triaged, wait_for,
)

def _hist_count(action: str) -> float:
    for sample in metrics.FANOUT_SECONDS.collect()[0].samples:
        if sample.name.endswith("_count") and sample.labels.get("action") == action:
            return sample.value
    return 0.0


async def test_a_rebuttal_reaches_every_channel_exactly_once_a_dead_one_ends_in_its_dlq_and_every_reporter_is_told(
        infra, topic_prefix, mongo_db_name):
    secret_of = lambda code: dev_secret(SECRET_KEY, code)  # noqa: E731
    async with ChannelReceiver(secret_of, script={"weibo": [503, 503]}, down={"nn-police"}) as receiver:
        settings = settings_for(infra, topic_prefix, mongo_db_name, channel_url_template=receiver.url_template)
        app = create_app(settings, environ={})
        webhook_codes = [c.code for c in app.state.matrix.channels if c.adapter == "webhook"]
        assert len(webhook_codes) == 61 and "website" in app.state.matrix.codes
        completed_before = _hist_count("publish")
        async with running(app) as client:
            triaged_topic = settings.topic(REPORTS_TRIAGED)
            await publish(infra.kafka_bootstrap, triaged_topic, triaged(1, TEXTS[0]), triaged(2, TEXTS[1]))

            async def one_claim_with_two_reports() -> dict | None:
                body = (await client.get("/api/v1/claims", headers=operator_headers())).json()
                return body["items"][0] if body["total"] == 1 and body["items"][0]["report_count"] == 2 else None

            claim = await wait_for(one_claim_with_two_reports, timeout=60)
            claim_id = claim["claim_id"]
            assert claim["status"] == "open" and len(claim["sample_texts"]) == 2

            base = f"/api/v1/claims/{claim_id}"
            r = await client.post(f"{base}/verification", headers=operator_headers(),
                                  json={"verdict": "false", "note": "已向市住建局核实", "operator": "值班员甲"})
            assert r.status_code == 200 and r.json()["status"] == "verified", r.text
            assert (await client.put(f"{base}/rebuttal", headers=operator_headers(), json=REBUTTAL)).status_code == 200
            r = await client.post(f"{base}/rebuttal/publish", headers=operator_headers())
            assert r.status_code == 200, r.text
            published = r.json()
            rebuttal_id, page_url = published["rebuttal_id"], published["rebuttal_url"]
            assert published["status"] == "published" and page_url == f"http://rumor.test/rebuttals/{rebuttal_id}"
            again = await client.post(f"{base}/rebuttal/publish", headers=operator_headers())
            assert again.status_code == 409 and again.json()["error"] == "already_published"

            live = [c for c in webhook_codes if c != "nn-police"]
            await wait_for(lambda: all(receiver.accepted[c] for c in live), timeout=60)

            # The channel that failed twice got it exactly once, after three tries.
            assert receiver.attempts["weibo"] == 3 and len(receiver.accepted["weibo"]) == 1
            assert all(len(receiver.accepted[c]) == 1 for c in live)
            assert not any(receiver.resent_after_ack.values()) and receiver.bad_signatures == 0
            sent = MediaDelivery.model_validate(receiver.accepted["nn-daily"][0])
            assert (sent.action, sent.version, sent.verdict, sent.url) == ("publish", 1, "false", page_url)

            # The channel that never recovered: in its DLQ with the reason, and visible per channel.
            letters = await read_topic(infra.kafka_bootstrap, settings.topic(dlq_topic(media_topic("nn-police"))),
                                       until=lambda ms: len(ms) >= 1)
            assert "HTTP 503" in letters[0]["error"] and letters[0]["error_type"] == "PermanentError"
            dead = MediaDelivery.model_validate_json(base64.b64decode(letters[0]["value_b64"]))
            assert dead.channel == "nn-police" and dead.rebuttal_id == rebuttal_id
            assert receiver.attempts["nn-police"] == settings.delivery_attempts

            async def statuses() -> dict | None:
                detail = (await client.get(base, headers=operator_headers())).json()
                by = {d["channel"]: d for d in detail["deliveries"]}
                return by if by["nn-police"]["status"] == "failed" and by["website"]["status"] == "delivered" else None

            by_channel = await wait_for(statuses, timeout=30)
            assert len(by_channel) == 62 and by_channel["weibo"]["attempts"] == 3
            assert "HTTP 503" in by_channel["nn-police"]["reason"]
            assert sum(d["status"] == "delivered" for d in by_channel.values()) == 61

            # Redelivery of a delivered message sends nothing (the delivery's stored status).
            before = receiver.attempts["nn-daily"]
            await app.state.deliveries.handle(sent)
            assert receiver.attempts["nn-daily"] == before

            # Both reporters were told, with the link; a reporter of the same claim after
            # publication is told at once.
            await publish(infra.kafka_bootstrap, triaged_topic, triaged(3, TEXTS[2]))
            replies = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES),
                                       until=lambda ms: {m["report_id"] for m in ms} >= {"rep-1", "rep-2", "rep-3"})
            assert {m["report_id"] for m in replies} == {"rep-1", "rep-2", "rep-3"}
            assert all(m["kind"] == "rebuttal" and m["link"] == page_url and m["status"] == "rebutted" for m in replies)
            assert "谣言" in replies[0]["text"]

            # The channel comes back; the operator re-publishes it; the fan-out is complete.
            receiver.down.discard("nn-police")
            r = await client.post(f"{base}/deliveries/nn-police/republish", headers=operator_headers())
            assert r.status_code == 202, r.text
            await wait_for(lambda: receiver.accepted["nn-police"], timeout=30)
            assert len(receiver.accepted["nn-police"]) == 1
            await wait_for(lambda: _hist_count("publish") == completed_before + 1, timeout=30)

            events = await read_topic(infra.kafka_bootstrap, settings.topic(RUMORS_EVENTS),
                                      until=lambda ms: sum(m["kind"] == "delivered" for m in ms) >= 62)
            kinds = [m["kind"] for m in events]
            assert kinds.count("published") == 1 and kinds.count("delivery_failed") == 1
            assert kinds.count("claim_created") == 1 and kinds.count("delivered") == 62

            # The website channel is real: its feed and page, read by a feed parser and a
            # structured-data extractor.
            feed = feedparser.parse((await client.get("/rebuttals/feed.atom")).content)
            assert not feed.bozo and feed.entries[0].link == page_url and feed.entries[0].title == REBUTTAL["title"]
            page = await client.get(f"/rebuttals/{rebuttal_id}")
            review = extruct.extract(page.text, base_url=page_url, syntaxes=["json-ld"])["json-ld"][0]
            assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "虚假"
            assert review["author"]["name"] == REBUTTAL["authority"] and review["claimReviewed"] == REBUTTAL["claim_reviewed"]

"""The rumor loop end to end, on the running system: citizens report a rumor over intake's
HTTP API; triage and rumor cluster the reports into one claim; an operator verifies it and
publishes a rebuttal; every webhook channel of the media matrix (a local receiver) gets it,
the website serves it with ClaimReview markup, and each reporter's status page shows the
rebuttal with its link."""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import extruct
import feedparser
import httpx

from services.rumor.publishing.matrix import dev_secret, load_matrix
from tests.support.auth import E2E_OPERATOR_TOKEN
from tests.support.rumor import BRIDGE_REBUTTAL, BRIDGE_TEXTS, ChannelReceiver, wait_for


async def test_reporters_of_a_rumor_see_the_rebuttal_that_reached_every_channel(system):
    env = system.env
    port = urlsplit(env["RUMOR_CHANNEL_URL_TEMPLATE"].replace("{code}", "x")).port
    operator = {"Authorization": f"Bearer {E2E_OPERATOR_TOKEN}"}
    intake, rumor = system.urls["intake"], system.urls["rumor"]
    webhooks = [c.code for c in load_matrix().channels if c.adapter == "webhook"]
    async with ChannelReceiver(lambda code: dev_secret(env["NETREPORT_SECRET_KEY"], code), port=port) as receiver, \
            httpx.AsyncClient(timeout=30) as client:
        receipts = []
        for text in BRIDGE_TEXTS[:2]:
            r = await client.post(f"{intake}/api/v1/reports",
                                  json={"text": text, "category_hint": "rumor", "location": "南宁市青秀区"})
            assert r.status_code == 202, r.text
            receipts.append(r.json())

        async def the_claim() -> dict | None:
            body = (await client.get(f"{rumor}/api/v1/claims", headers=operator, params={"limit": 200})).json()
            mine = [c for c in body["items"] if any("邕江大桥" in t for t in c["sample_texts"])]
            return mine[0] if mine and mine[0]["report_count"] >= 2 else None

        claim = await wait_for(the_claim, timeout=90, interval=0.5)
        base = f"{rumor}/api/v1/claims/{claim['claim_id']}"
        assert (await client.post(f"{base}/verification", headers=operator, json={"verdict": "false"})).status_code == 200
        assert (await client.put(f"{base}/rebuttal", headers=operator, json=BRIDGE_REBUTTAL)).status_code == 200
        published = (await client.post(f"{base}/rebuttal/publish", headers=operator)).json()
        page_url = published["rebuttal_url"]
        assert page_url.startswith(rumor)

        await wait_for(lambda: all(receiver.accepted[c] for c in webhooks), timeout=90, interval=0.2)
        assert all(len(receiver.accepted[c]) == 1 for c in webhooks) and receiver.bad_signatures == 0

        for receipt in receipts:
            async def rebutted(receipt: dict = receipt) -> dict | None:
                status = (await client.get(receipt["status_url"])).json()
                return status if status["status"] == "rebutted" else None

            status = await wait_for(rebutted, timeout=60, interval=0.5)
            assert status["link"] == page_url and "谣言" in status["reply"]
            assert status["history"][-1]["status_zh"] == "已辟谣"

        page = await wait_for(lambda: _ok(client, page_url), timeout=30, interval=0.2)
        review = extruct.extract(page, base_url=page_url, syntaxes=["json-ld"])["json-ld"][0]
        assert review["reviewRating"]["alternateName"] == "虚假" and review["url"] == page_url
        feed = feedparser.parse((await client.get(f"{rumor}/rebuttals/feed.atom")).content)
        assert page_url in [e.link for e in feed.entries]


async def _ok(client: httpx.AsyncClient, url: str) -> str | None:
    r = await client.get(url)
    await asyncio.sleep(0)
    return r.text if r.status_code == 200 else None

"""End to end over the real servers: a report goes in over HTTP and comes out, triaged and
routed, on its department's topic, read by a plain aiokafka consumer that knows nothing
of the services; its state is in the database and the reporter can follow it."""
from __future__ import annotations

import asyncio
import json

from tests.support.kafka import kafka_options
import httpx
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient


async def _first_matching(system, pattern: str, predicate, timeout: float = 60.0) -> tuple[str, dict]:
    consumer = AIOKafkaConsumer(bootstrap_servers=system.kafka_bootstrap, **kafka_options(), group_id=None,
                                auto_offset_reset="earliest", metadata_max_age_ms=1000)
    consumer.subscribe(pattern=pattern)
    await consumer.start()
    try:
        async with asyncio.timeout(timeout):
            async for record in consumer:
                event = json.loads(record.value)
                if predicate(event):
                    return record.topic, event
    finally:
        await consumer.stop()
    raise AssertionError("unreachable")


async def test_a_gambling_report_reaches_the_police_topic_without_personal_data(system):
    body = {
        "text": "有人在微信群里天天发博彩网站链接，充值送彩金，拉人下注，已经有人输了好几万。",
        "category_hint": "gambling", "target_urls": ["https://bet-e2e.example.com/reg?utm_source=wx"],
        "location": "南宁市青秀区", "contact": {"name": "李四", "phone": "13912345678"},
    }
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{system.urls['intake']}/api/v1/reports", json=body)
    assert r.status_code == 202, r.text
    receipt = r.json()

    topic, dispatched = await _first_matching(
        system, rf"^{system.topic_prefix}dispatch\..+$", lambda e: receipt["report_id"] in e.get("report_ids", []))
    assert dispatched["category"] == "gambling"
    assert dispatched["department"]["kind"] == "police"
    assert topic == f"{system.topic_prefix}dispatch.{dispatched['department']['code']}"
    raw = json.dumps(dispatched, ensure_ascii=False)
    assert "13912345678" not in raw and "李四" not in raw
    assert dispatched["reporter_pids"] and dispatched["reporter_pids"][0].startswith("rp-")

    client = AsyncMongoClient(system.mongo_uri, tz_aware=True)
    try:
        stored = await client[f"{system.db_prefix}_intake"]["reports"].find_one({"_id": receipt["report_id"]})
        assert stored is not None and "13912345678" not in json.dumps(stored, default=str)
        case = await client[f"{system.db_prefix}_dispatch"]["cases"].find_one({"_id": dispatched["case_id"]})
        assert case is not None and case["department_code"] == dispatched["department"]["code"]
    finally:
        await client.close()

    async with httpx.AsyncClient() as client:
        for _ in range(60):
            status = (await client.get(receipt["status_url"])).json()
            if status["status"] == "dispatched":
                break
            await asyncio.sleep(0.5)
    assert status["status"] == "dispatched"


async def test_status_needs_the_token(system):
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{system.urls['intake']}/api/v1/reports", json={"text": "某网站发布低俗视频，内容不堪入目。"})
        receipt = r.json()
        wrong = await client.get(f"{system.urls['intake']}/api/v1/reports/{receipt['tracking_no']}", params={"token": "x" * 20})
    assert wrong.status_code == 404


async def test_bad_input_names_the_field(system):
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{system.urls['intake']}/api/v1/reports", json={"text": "有诈骗", "region_code": "abc"})
    assert r.status_code == 422
    assert any(err["loc"][-1] == "region_code" for err in r.json()["detail"])

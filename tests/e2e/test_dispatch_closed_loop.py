"""The closed loop (闭环) end to end, on the running system: a report goes in over HTTP,
reaches the police's topic, the reference department client accepts and handles it, and
the reporter reads the outcome with its statement of reasons on intake's status page."""
from __future__ import annotations

import asyncio
import json

import httpx
from aiokafka import AIOKafkaConsumer

from tests.support.kafka import kafka_options
from services.dispatch.department_client import ClientConfig, answer_cases
from services.dispatch.feedback_signature import department_key
from services.dispatch.settings import DispatchSettings, feedback_signing_key
from tests.support.auth import E2E_OPERATOR_TOKEN


async def _dispatched_case(system, department: str, report_id: str, timeout: float = 60.0) -> dict:
    consumer = AIOKafkaConsumer(system.topic(f"dispatch.{department}"), bootstrap_servers=system.kafka_bootstrap, **kafka_options(),
                                group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        async with asyncio.timeout(timeout):
            async for record in consumer:
                case = json.loads(record.value)
                if report_id in case.get("report_ids", []):
                    return case
    finally:
        await consumer.stop()
    raise AssertionError("unreachable")


async def _status_when(client: httpx.AsyncClient, url: str, status: str, timeout: float = 60.0) -> dict:
    async with asyncio.timeout(timeout):
        while (body := (await client.get(url)).json())["status"] != status:
            await asyncio.sleep(0.5)
    return body


async def test_reporter_reads_the_outcome_after_the_department_handles_the_case(system):
    report = {
        "text": "有人在微信群里每天发赌博网站链接，充值送彩金，拉人下注，群里已经有人输了好几万。",
        "category_hint": "gambling", "location": "南宁市青秀区新竹街道",
        "contact": {"name": "王五", "phone": "13800001111"},
    }
    async with httpx.AsyncClient(timeout=10) as client:
        receipt = (await client.post(f"{system.urls['intake']}/api/v1/reports", json=report)).json()
        case = await _dispatched_case(system, "nn-city-police", receipt["report_id"])
        assert case["role"] == "handler" and case["severity"] == "important"

        # The department's own team: its Kafka principal (only its topic, only cases.feedback) and its key.
        key = department_key(feedback_signing_key(DispatchSettings(NETREPORT_SECRET_KEY=system.env["NETREPORT_SECRET_KEY"])),
                             "nn-city-police")
        config = ClientConfig(department="nn-city-police", bootstrap=system.kafka_bootstrap,
                              topic_prefix=system.topic_prefix, accept=True,
                              sasl_user="dept-nn-city-police", sasl_password=system.passwords["dept-nn-city-police"],
                              signing_key=key,
                              outcome="handled", result="经查，涉案赌博网站服务器位于境外，已提请封堵并对组织者立案侦查",
                              handler_name="网安支队", only_cases=(case["case_id"],))
        answered = await asyncio.wait_for(answer_cases(config, stop_after=1), 60)
        assert [c["case_id"] for c in answered] == [case["case_id"]]

        status = await _status_when(client, receipt["status_url"], "closed")
        assert "立案侦查" in status["reply"] and "南宁市公安局" in status["reply"] and "复核" in status["reply"]
        assert [h["status"] for h in status["history"]][-1] == "closed"

        closed_door = await client.get(f"{system.urls['dispatch']}/api/v1/cases/{case['case_id']}")
        assert closed_door.status_code == 401 and closed_door.json()["error"] == "unauthorized"
        view = (await client.get(f"{system.urls['dispatch']}/api/v1/cases/{case['case_id']}",
                                 headers={"Authorization": f"Bearer {E2E_OPERATOR_TOKEN}"})).json()
        assert [e["kind"] for e in view["history"]][-3:] == ["accepted", "handled", "closed"]
        assert "13800001111" not in json.dumps(view) and case["reporter_pids"][0] not in json.dumps(view)

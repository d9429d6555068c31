"""A department's generated Java and Go clients against the real system: intake, triage and
dispatch run in-process on the real Kafka and database; a report goes in over HTTP, and
every message the services put on the topics (the case on the department's topic, the
overdue and escalation notices, replies, ...) is read with plain aiokafka and decoded by
the generated models without losing a value. The department then answers `handled` with a
CaseFeedback built by the generated Java model, put on cases.feedback as it is, and dispatch
closes the case on it and replies to the reporter."""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jsonschema
from fastapi import FastAPI

from libs.common.asyncapi import asyncapi_document
from libs.common.topics import CASES_EVENTS, CASES_FEEDBACK, REPORTS_REPLIES, REPORTS_SUBMITTED, REPORTS_TRIAGED
from services.intake.app import create_app as intake_app
from tests.support.intake import running
from tests.support.intake import settings_for as intake_settings
from services.triage.app import create_app as triage_app
from services.triage.settings import TriageSettings

from tests.contracts.clients import ROOT, GoClient, JavaClient, differences
from services.dispatch.feedback_signature import department_key
from tests.support.dispatch import START, running_dispatch
from tests.support.dispatch import settings_for as dispatch_settings

POLICE, SUPERVISOR = "dispatch.nn-city-police", "dispatch.nn-city-cac"
MODEL_OF = {REPORTS_SUBMITTED: "ReportSubmitted", REPORTS_TRIAGED: "ReportTriaged", REPORTS_REPLIES: "ReporterReply",
            CASES_EVENTS: "CaseEvent", CASES_FEEDBACK: "CaseFeedback", POLICE: "CaseDispatched", SUPERVISOR: "CaseDispatched"}
SCHEMAS = ROOT / "deploy" / "schemas"


def on(topic: str, **fields: Any):
    return lambda t, value: t.endswith(topic) and all(value.get(k) == v for k, v in fields.items())


@contextlib.asynccontextmanager
async def running_triage(infra: Any, topic_prefix: str, mongo_db_name: str) -> AsyncIterator[FastAPI]:
    settings = TriageSettings(KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri,  # type: ignore[call-arg]
                              TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name, LOG_JSON=False, LOG_LEVEL="WARNING")
    app = triage_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://triage") as http:
            async with asyncio.timeout(90):
                while (await http.get("/health/ready")).status_code != 200:
                    await asyncio.sleep(0.2)
        yield app


def schema_validator(name: str) -> jsonschema.Draft7Validator:
    """What a team validating with the standalone JSON Schema (deploy/schemas/) would run."""
    return jsonschema.Draft7Validator(json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8")),
                                      format_checker=jsonschema.FormatChecker())


def decoding_problems(client: JavaClient | GoClient, messages: list[tuple[str, dict[str, Any]]]) -> list[str]:
    components = asyncapi_document()["components"]["schemas"]
    decoded = client.decode(messages)
    problems = [f"{name}: {body}" for name, body in decoded if isinstance(body, str)]
    for (name, sent), (_, back) in zip(messages, decoded):
        if not isinstance(back, str):
            problems += [f"{name} {d}" for d in differences(sent, back, components[name], components)]
    return problems + ([] if len(decoded) == len(messages) else [f"{len(decoded)} of {len(messages)} decoded"])


async def test_generated_clients_read_the_real_topics_and_a_java_handled_answer_closes_the_case(
        infra, topic_prefix, mongo_db_name, java_client: JavaClient, go_client: GoClient) -> None:
    intake = intake_app(intake_settings(infra, topic_prefix, mongo_db_name))
    async with running(intake) as http, running_triage(infra, topic_prefix, mongo_db_name), \
            running_dispatch(dispatch_settings(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read(*MODEL_OF)
        r = await http.post("/api/v1/reports", params={"channel": "web"}, json={
            "text": "有人在群里发博彩网站链接，拉人充值下注", "category_hint": "gambling", "location": "南宁市青秀区新竹街道",
            "target_urls": ["https://bet88.example.com/a"], "contact": {"name": "王五", "phone": "13812345678"}})
        assert r.status_code == 202, r.text
        [case] = await out.wait_for(on(POLICE, role="handler"), timeout=120)
        assert case["reporter_pids"] and "13812345678" not in json.dumps(out.records, ensure_ascii=False)

        # The deadline passes (dispatch's clock is moved): overdue, 督办 to the level above.
        scheduler = d.app.state.scheduler
        await scheduler.tick(START + timedelta(hours=18))
        await scheduler.tick(START + timedelta(hours=24))
        await d.relayed()
        [escalated] = await out.wait_for(on(CASES_EVENTS, case_id=case["case_id"], kind="escalated"))
        assert escalated["data"]["to_department"] == "nn-city-cac"
        await out.wait_for(on(SUPERVISOR, case_id=case["case_id"], role="supervisor"))
        await out.wait_for(on(CASES_EVENTS, case_id=case["case_id"], kind="overdue"))

        # The department answers with the generated Java model; its bytes go on the topic unchanged.
        key = department_key(d.app.state.ctx.feedback_key, "nn-city-police")  # handed to the department by the center
        answer = java_client.handled(case["case_id"], "nn-city-police", case["dispatch_no"], "经查属实，已关停涉赌网站", "网安支队",
                                     key)
        schema_validator("CaseFeedback").validate(answer)
        await d.producer.send_and_wait(d.topic(CASES_FEEDBACK), json.dumps(answer, ensure_ascii=False).encode(),
                                       key=case["case_id"].encode())
        closed = await d.case_when(case["case_id"], lambda c: c["status"] == "closed", timeout=60)
        assert closed["closed_by"] == "nn-city-police" and "已关停涉赌网站" in closed["result"]
        [reply] = await out.wait_for(on(REPORTS_REPLIES, kind="closed"), timeout=60)
        assert "已关停涉赌网站" in reply["text"]
        await out.wait_for(on(CASES_EVENTS, case_id=case["case_id"], kind="closed"))
        records = list(out.records)

    messages = [(MODEL_OF[next(t for t in MODEL_OF if topic.endswith(t))], value) for topic, value in records]
    kinds = {value.get("kind") for name, value in messages if name == "CaseEvent"}
    assert {"dispatched", "reminder", "overdue", "escalated", "handled", "closed"} <= kinds
    assert {name for name, _ in messages} == set(MODEL_OF.values())
    for name, value in messages:
        schema_validator(name).validate(value)
    assert decoding_problems(java_client, messages) == []
    assert decoding_problems(go_client, messages) == []

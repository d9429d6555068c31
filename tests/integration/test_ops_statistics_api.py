"""Reports upward over the real database: dispatch's HTTP endpoints (JSON and CSV), the
command line, and the census gauges, all read from dispatch's own `cases` collection."""
from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY
from pymongo import AsyncMongoClient

from libs.common.clock import ManualClock
from libs.common.events import RumorEvent
from libs.common.topics import RUMORS_EVENTS
from services.dispatch.app import create_app
from services.dispatch.settings import DispatchSettings
from tests.support.dispatch import OPERATOR_TOKEN, settings_for

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 5, 12, 2, 0, tzinfo=UTC)  # 10:00 on 12 May in Nanning
OPENED = datetime(2026, 5, 11, 1, 0, tzinfo=UTC)  # 09:00 on 11 May


def _case(cid: str, department: str, **fields: object) -> dict:
    doc = {"_id": cid, "category": "gambling", "severity": "important", "status": "dispatched",
           "department_code": department, "department_name": "测试公安", "opened_at": OPENED, "dispatched_at": OPENED,
           "deadline_at": OPENED + timedelta(hours=24), "reminder_at": OPENED + timedelta(hours=18), "closed_at": None,
           "escalated_to": None, "summary": "有人拉人赌博", "reports": [
               {"report_id": f"r-{cid}", "reporter_pid": "rp-x", "submitted_at": OPENED - timedelta(seconds=3), "channel": "web"}]}
    return doc | fields


async def _seed(settings: DispatchSettings, department: str) -> None:
    client = AsyncMongoClient(settings.mongo_uri, tz_aware=True)
    try:
        await client[settings.mongo_db]["cases"].insert_many([
            _case("c-open", department, deadline_at=OPENED + timedelta(hours=26)),  # past its reminder at NOW: due soon
            _case("c-closed", department, status="closed", closed_at=OPENED + timedelta(hours=3), severity="major"),
            _case("c-late", department, status="closed", closed_at=OPENED + timedelta(hours=10),
                  deadline_at=OPENED + timedelta(hours=2), category="fraud"),
        ])
    finally:
        await client.close()


async def test_daily_and_monthly_statistics_over_http_and_the_command_line(infra, topic_prefix, mongo_db_name):
    department = f"ops-{mongo_db_name[-8:]}"
    settings = settings_for(infra, topic_prefix, mongo_db_name)
    await _seed(settings, department)
    app = create_app(settings, clock=ManualClock(NOW))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dispatch") as anonymous:
            refused = await anonymous.get("/api/v1/statistics/daily", params={"date": "2026-05-11"})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dispatch",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}) as client:
            daily = (await client.get("/api/v1/statistics/daily", params={"date": "2026-05-11"})).json()
            monthly = (await client.get("/api/v1/statistics/monthly", params={"month": "2026-05"})).json()
            as_csv = await client.get("/api/v1/statistics/daily", params={"date": "2026-05-11", "format": "csv"})
            bad = await client.get("/api/v1/statistics/monthly", params={"month": "2026-13"})
            # The edges of the calendar answer in the usual shape, never 500.
            far = [await client.get("/api/v1/statistics/daily", params={"date": "9999-12-31"}),
                   await client.get("/api/v1/statistics/monthly", params={"month": "0000-05"})]
            default = await client.get("/api/v1/statistics/daily")  # yesterday, by the injected clock

        assert daily["reports"]["total"] == 3 and daily["reports"]["by_category"]["gambling"] == 2
        assert daily["cases_opened"] == 3 and daily["cases_closed"] == 2 and daily["closed_within_deadline_share"] == 0.5
        assert [c["case_id"] for c in daily["major_and_emergency"]] == ["c-closed"]
        assert daily["period"]["due_at"].startswith("2026-05-12T15:00:00")
        assert monthly["cases_opened"] == 3 and monthly["period"]["label"] == "2026-05"
        assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.text.startswith("\ufeffsection,key,name,measure,value")
        rows = {(r["section"], r["key"], r["measure"]): r["value"] for r in csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff")))}
        assert rows[("department", department, "closed_within_deadline")] == "1"
        assert bad.status_code == 422
        assert [r.status_code for r in far] == [422, 422] and all(r.json()["error"] == "validation_failed" for r in far)
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
        assert default.json()["period"]["label"] == "2026-05-11"

        due_soon = await _gauge("netreport_cases_due_soon", {"department": department})
        assert due_soon == 1.0
        assert REGISTRY.get_sample_value("netreport_cases_closed_recent",
                                         {"department": department, "window": "30d", "within_deadline": "false"}) == 1.0

    env = os.environ | {"MONGO_URI": infra.mongo_uri, "MONGO_DB_PREFIX": mongo_db_name}
    cli = subprocess.run([sys.executable, "-m", "services.dispatch.statistics", "daily", "--date", "2026-05-11", "--format", "csv"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert "reports,gambling,赌博,by_category,2" in cli.stdout.splitlines()


async def test_rebuttals_published_on_rumors_events_count_once_per_claim_in_the_reports(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name)
    at = OPENED + timedelta(hours=2)
    events = [RumorEvent(claim_id="clm-a", kind="published", rebuttal_id="rb-1", occurred_at=at),
              RumorEvent(claim_id="clm-a", kind="published", rebuttal_id="rb-1", occurred_at=at + timedelta(hours=1)),
              RumorEvent(claim_id="clm-a", kind="delivered", channel="website", occurred_at=at),
              RumorEvent(claim_id="clm-b", kind="alert", occurred_at=at)]
    app = create_app(settings, clock=ManualClock(NOW))
    async with app.router.lifespan_context(app):
        producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, **infra.kafka_options, enable_idempotence=True)
        await producer.start()
        try:
            for event in events:
                await producer.send_and_wait(settings.topic(RUMORS_EVENTS), event.model_dump_json().encode(), key=event.key.encode())
        finally:
            await producer.stop()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dispatch",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}) as client:
            for _ in range(150):
                daily = (await client.get("/api/v1/statistics/daily", params={"date": "2026-05-11"})).json()
                if daily["rumors_rebutted"]:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # let the repeat and the other kinds be consumed too
            daily = (await client.get("/api/v1/statistics/daily", params={"date": "2026-05-11"})).json()
            next_day = (await client.get("/api/v1/statistics/daily", params={"date": "2026-05-12"})).json()
    assert daily["rumors_rebutted"] == 1
    assert next_day["rumors_rebutted"] == 0


async def _gauge(name: str, labels: dict[str, str], timeout: float = 15.0) -> float | None:
    """The census runs when the app starts; give its first pass a moment."""
    for _ in range(int(timeout / 0.2)):
        value = REGISTRY.get_sample_value(name, labels)
        if value is not None:
            return value
        await asyncio.sleep(0.2)
    return None

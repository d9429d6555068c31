"""The operator's view, proven on the running system: a real Prometheus (Debian's binary,
started here on a free port) scrapes the four services every second while reports,
a department's answer and a poison message go through; then EVERY query of EVERY Grafana
dashboard and EVERY alert rule is evaluated against it and must return data. Also: the
request id through intake, and case and event ids on the services' log lines."""
from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from tests.support.kafka import kafka_options
from deploy.grafana.build import OUT as DASHBOARDS
from deploy.grafana.panels import expressions, may_be_empty
from deploy.prometheus.config import RULES, render
from libs.common.events import CaseFeedback
from services.dispatch.feedback_signature import department_key, sign_feedback
from services.dispatch.settings import DispatchSettings, feedback_signing_key

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "deploy" / "local" / "demo" / "reports.jsonl"
COMPARISON = re.compile(r"(==|!=|>=|<=|>|<)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prometheus(system, tmp_path_factory):
    exe = shutil.which("prometheus")
    if exe is None:
        pytest.fail("prometheus is not on PATH: run `make setup` (it installs Debian's prometheus package)")
    folder = tmp_path_factory.mktemp("prometheus")
    config = folder / "prometheus.yml"
    config.write_text(render({name: urlparse(url).netloc for name, url in system.urls.items()},
                             scrape_interval="1s", evaluation_interval="1s"))
    url = f"http://127.0.0.1:{_free_port()}"
    log = open(folder / "prometheus.log", "wb")
    proc = subprocess.Popen([exe, f"--config.file={config}", f"--storage.tsdb.path={folder / 'data'}",
                             f"--web.listen-address={url.removeprefix('http://')}", "--log.level=warn"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: httpx.get(f"{url}/-/ready", timeout=2).status_code == 200, 30,
              lambda: f"prometheus did not start:\n{(folder / 'prometheus.log').read_text()[-2000:]}")
        yield url
    finally:
        proc.terminate()
        proc.wait(15)


def _wait(ready, timeout: float, why) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(why())


def signal_of(expr: str) -> str:
    """The alert's expression with every top-level comparison made `bool`: it returns 0 or 1
    for every series the condition looks at, so "returns data" means the alert can see its
    inputs (not that it fires)."""
    out, depth, quote = [], 0, ""
    i = 0
    while i < len(expr):
        ch = expr[i]
        if quote:
            quote = "" if ch == quote and expr[i - 1] != "\\" else quote
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and (m := COMPARISON.match(expr, i)) and not expr.startswith("=~", i) and not expr.startswith("!~", i):
            out.append(m.group(1) + " bool")
            i += len(m.group(1))
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def all_queries() -> list[tuple[str, str]]:
    panels = [(f"{path.name}: {title}", expr) for path in sorted(DASHBOARDS.glob("*.json"))
              for title, expr in expressions(json.loads(path.read_text(encoding="utf-8")))]
    alerts = [(f"alert {rule['alert']}", signal_of(rule["expr"])) for path in sorted(RULES.glob("*.yml"))
              for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"] for rule in group["rules"]]
    return panels + alerts


async def _drive_the_pipeline(system) -> None:  # type: ignore[no-untyped-def]
    """Reports on two channels (one a rumor), a poison message, and a department closing a case."""
    receipts = []
    async with httpx.AsyncClient(timeout=30) as client:
        for line in DEMO.read_text(encoding="utf-8").splitlines()[:3]:
            body = json.loads(line)
            channel = body.pop("channel")
            r = await client.post(f"{system.urls['intake']}/api/v1/reports", params={"channel": channel}, json=body)
            assert r.status_code == 202, r.text
            receipts.append(r.json())
    producer = AIOKafkaProducer(bootstrap_servers=system.kafka_bootstrap, **kafka_options())
    await producer.start()
    try:
        await producer.send_and_wait(system.topic("reports.submitted"), b"{not json", key=b"poison")
        case = await _dispatched_case(system, receipts[0]["report_id"])
        # Signed with the department's key, as its team would: an unsigned answer is refused
        # as forged (to the DLQ), and the case would never close. Run alone, this test saw no
        # time-to-close data; in the suite another test's signed answer had hidden that.
        key = department_key(feedback_signing_key(DispatchSettings(NETREPORT_SECRET_KEY=system.env["NETREPORT_SECRET_KEY"])),
                             case["department_code"])
        answer = sign_feedback(CaseFeedback(case_id=case["_id"], department_code=case["department_code"], action="handled",
                                            result="涉赌网站已关停", dispatch_no=case["dispatch_no"]), key)
        await producer.send_and_wait(system.topic("cases.feedback"), answer.model_dump_json().encode(), key=answer.key.encode())
    finally:
        await producer.stop()


async def _dispatched_case(system, report_id: str) -> dict:  # type: ignore[no-untyped-def]
    client = AsyncMongoClient(system.mongo_uri, tz_aware=True)
    try:
        cases = client[f"{system.db_prefix}_dispatch"]["cases"]
        for _ in range(120):
            case = await cases.find_one({"reports.report_id": report_id, "department_code": {"$ne": None}})
            if case:
                return case
            await asyncio.sleep(0.5)
    finally:
        await client.close()
    pytest.fail(f"report {report_id} never became a dispatched case")


def _empty_or_failing(prometheus: str, queries: list[tuple[str, str]]) -> list[str]:
    # A panel with a "no value" text (nothing delivered or escalated yet) may have no series: it must still evaluate.
    optional = {e for path in DASHBOARDS.glob("*.json") for e in may_be_empty(json.loads(path.read_text(encoding="utf-8")))}
    bad = []
    for name, expr in queries:
        body = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10).json()
        if body.get("status") != "success":
            bad.append(f"{name}: {body.get('error')} — {expr}")
        elif not body["data"]["result"] and expr not in optional:
            bad.append(f"{name}: no data — {expr}")
    return bad


async def test_every_dashboard_query_and_alert_rule_returns_data_from_the_running_system(system, prometheus):
    await _drive_the_pipeline(system)
    queries = all_queries()
    assert len(queries) > 50
    deadline, bad = time.monotonic() + 120, ["not evaluated yet"]
    while bad and time.monotonic() < deadline:
        await asyncio.sleep(3)
        bad = _empty_or_failing(prometheus, queries)
    assert bad == [], "\n".join(bad)

    up = httpx.get(f"{prometheus}/api/v1/query", params={"query": 'up{system="netreport"}'}).json()["data"]["result"]
    assert sorted((r["metric"]["job"], r["value"][1]) for r in up) == [(s, "1") for s in ("dispatch", "intake", "rumor", "triage")]
    rules = httpx.get(f"{prometheus}/api/v1/rules").json()["data"]["groups"]
    unhealthy = [(r["name"], r.get("lastError")) for g in rules for r in g["rules"] if r["health"] != "ok"]
    assert rules and unhealthy == []


def test_signal_of_makes_only_top_level_comparisons_bool() -> None:
    assert signal_of('up{system="netreport"} == 0') == 'up{system="netreport"} == bool 0'
    assert signal_of('max by (t) (x{a=~"b"}) > 100 and y > 0') == 'max by (t) (x{a=~"b"}) > bool 100 and y > bool 0'
    assert signal_of('sum(rate(x{status=~"5.."}[5m]) > 1)') == 'sum(rate(x{status=~"5.."}[5m]) > 1)'


async def test_intake_answers_with_the_callers_request_id_and_logs_it(system):
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{system.urls['intake']}/api/v1/reports", headers={"X-Request-ID": "ops-e2e-req-1"},
                              json={"text": "某网站发布低俗视频，内容不堪入目，请处理。"})
        fresh = await client.get(f"{system.urls['triage']}/health/live")
    assert r.status_code == 202 and r.headers["X-Request-ID"] == "ops-e2e-req-1"
    assert len(fresh.headers["X-Request-ID"]) == 32
    lines = _json_lines(system.logs / "intake.log")
    tagged = [line for line in lines if line.get("request_id") == "ops-e2e-req-1"]
    assert any(line["event"] == "http_request" and line["status"] == 202 for line in tagged)


def test_case_work_log_lines_carry_the_case_id_and_the_event_id(system, prometheus):
    # Runs after the pipeline test above drove reports, an answer and a poison message.
    checks = {"triage": {"report_triaged"}, "dispatch": {"case_dispatched", "feedback_applied"}}
    for service, events in checks.items():
        lines = _json_lines(system.logs / f"{service}.log")
        work = [line for line in lines if line.get("event") in events]
        assert work, f"no {events} lines in {service}.log"
        assert all(line.get("case_id") and line.get("event_id") for line in work), work[:3]
        # Every line written while handling a message names the case or, before one exists, the report.
        assert all(line.get("case_id") or line.get("report_id") for line in lines if line.get("event_id")
                   and line.get("event") not in ("dead_lettered", "handler_failed"))


def _json_lines(path: Path) -> list[dict]:
    out = []
    for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if text.startswith("{"):
            try:
                out.append(json.loads(text))
            except json.JSONDecodeError:
                pass
    return out

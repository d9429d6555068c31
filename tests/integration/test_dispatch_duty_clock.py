"""Duty over the real Kafka and database, by a moved clock: a major case pages the A on duty,
unacknowledged it reaches the B, then the leader, each step once on duty.pages, in the audit
log and, signed, at the SMS/IM gateway; acknowledged by the A it stops there; an approved swap
changes who is paged; a shift nobody checked in to and a handover not acknowledged by 09:30
page the leader; the duty log is drafted from the system's own state and acknowledged."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prometheus_client import REGISTRY

from libs.common import signing
from libs.common.events import RumorEvent
from libs.common.http.access import Principal
from libs.common.topics import DUTY_PAGES, REPORTS_TRIAGED, RUMORS_EVENTS
from services.dispatch.duty.scheduler import DutyScheduler
from tests.support.auth import tokens_entry
from tests.support.dispatch import START, running_dispatch, settings_for, triaged

GATEWAY_SECRET = "duty-gateway-test-secret-0123"
SHIFT = "2025-03-10T09:00"  # START is Monday 10:00 local, an hour into this shift
NEXT_SHIFT = "2025-03-11T09:00"
TOKENS = {name: f"duty-token-{name}-0123456789" for name in ("zhang", "li", "wang", "zhao")}
ADMIN = Principal("admin", "admin")


class Gateway:
    """A stand-in SMS/IM gateway (a real HTTP server on loopback) that checks each signature."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.bad_signatures = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                failure = signing.verify(GATEWAY_SECRET, timestamp=self.headers.get("X-Timestamp"),
                                         signature=self.headers.get("X-Signature"), body=body, now=time.time(), skew_s=300)
                if failure:
                    gateway.bad_signatures += 1
                    self.send_response(401)
                else:
                    gateway.received.append(json.loads(body) | {"idempotency_key": self.headers.get("Idempotency-Key")})
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/pages"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def to(self) -> list[str]:
        return [r["to"] for r in self.received]


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    g = Gateway()
    yield g
    g.server.shutdown()


def duty_settings(infra, topic_prefix, mongo_db_name, gateway: Gateway):
    tokens = " ".join(tokens_entry(token, name=name) for name, token in TOKENS.items())
    return settings_for(infra, topic_prefix, mongo_db_name, operator_token=None, OPERATOR_TOKENS=tokens,
                        duty_gateway_url=gateway.url, duty_gateway_secret=GATEWAY_SECRET)


def as_(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def plan(d, shift_id: str = SHIFT, a: str = "zhang", b: str = "li", leader: str = "wang", *,
               checked_in: bool = True) -> None:
    await d.app.state.duty.plan(shift_id, a=a, b=b, leader=leader, by=ADMIN)
    if checked_in and shift_id == SHIFT:  # the A at their desk: no "nobody checked in" page in the way
        await d.app.state.duty.check_in(Principal(a, "operator"))


async def open_page_of(d, subject: str, timeout: float = 30.0):
    async with asyncio.timeout(timeout):
        while True:
            pages = [p for p in await d.app.state.duty.store.open_pages() if p.subject == subject]
            if pages:
                return pages[0]
            await asyncio.sleep(0.1)


def major(case_id: str):
    return triaged(case_id, f"r-{case_id}", category="terror_violence", severity="major",
                   text="有人在群里说明天中午带刀去朝阳广场砍人")


async def until(predicate, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.1)


async def test_an_unacknowledged_major_case_pages_a_then_b_then_the_leader_once_each(infra, topic_prefix, mongo_db_name, gateway):
    async with running_dispatch(duty_settings(infra, topic_prefix, mongo_db_name, gateway)) as d:
        await plan(d)
        steps = await d.read(DUTY_PAGES)
        await d.send(major("case-knife"), REPORTS_TRIAGED)
        page = await open_page_of(d, "case-knife")
        assert (page.level, page.person, page.shift_id) == ("a", "zhang", SHIFT)

        scheduler, restarted = d.app.state.duty_scheduler, DutyScheduler(d.app.state.duty, d.app.state.ctx)
        assert await scheduler.tick(START + timedelta(minutes=9)) == 0
        both = await asyncio.gather(scheduler.tick(START + timedelta(minutes=10)), restarted.tick(START + timedelta(minutes=10)))
        assert sum(both) == 1  # the B, once between two instances
        assert await scheduler.tick(START + timedelta(minutes=20)) == 1  # the leader
        assert await scheduler.tick(START + timedelta(hours=3)) == 0  # the last level keeps the page
        assert sample("netreport_duty_pages_unacknowledged", level="leader") == 1
        await d.relayed()

        events = await steps.wait_for(lambda topic, v: v["page_id"] == page.page_id, n=3)
        assert [(e["step"], e["level"], e["person"]) for e in events] == [
            ("paged", "a", "zhang"), ("escalated", "b", "li"), ("escalated", "leader", "wang")]
        await until(lambda: len(gateway.received) >= 3)
        assert gateway.to() == ["zhang", "li", "wang"] and gateway.bad_signatures == 0
        assert len({r["idempotency_key"] for r in gateway.received}) == 3
        audit = await d.app.state.site.accounts.read_audit(case_id="case-knife")
        assert sorted(e["action"] for e in audit) == ["duty.escalate", "duty.escalate", "duty.page"]
        await asyncio.sleep(0.5)
        assert len(steps.matching(lambda topic, v: v["page_id"] == page.page_id)) == 3


async def test_a_page_acknowledged_by_the_a_stops_there_and_the_console_shows_who(infra, topic_prefix, mongo_db_name, gateway):
    async with running_dispatch(duty_settings(infra, topic_prefix, mongo_db_name, gateway)) as d:
        await plan(d)
        await d.send(major("case-bomb"), REPORTS_TRIAGED)
        page = await open_page_of(d, "case-bomb")
        d.clock.advance(timedelta(minutes=4))
        answer = await d.http.post(f"/console/duty/pages/{page.page_id}/ack", headers=as_("zhang"))
        assert answer.status_code == 303
        again = await d.http.post(f"/console/duty/pages/{page.page_id}/ack", headers=as_("li"))
        assert again.status_code == 409  # acknowledged already: said so, nothing changes
        assert await d.app.state.duty_scheduler.tick(START + timedelta(hours=1)) == 0
        stored = await d.app.state.duty.store.page(page.page_id)
        assert (stored.status, stored.acknowledged_by, stored.level) == ("acknowledged", "zhang", "a")
        html = (await d.http.get("/console/duty", headers=as_("zhang"))).text
        assert "已确认" in html and "zhang" in html
        await d.relayed()
        await until(lambda: len(gateway.received) >= 1)
        await asyncio.sleep(0.5)
        assert gateway.to() == ["zhang"]  # nobody else was ever paged


async def test_an_approved_swap_changes_who_is_paged_and_only_the_leader_approves(infra, topic_prefix, mongo_db_name, gateway):
    async with running_dispatch(duty_settings(infra, topic_prefix, mongo_db_name, gateway)) as d:
        await plan(d)
        asked = await d.http.post("/console/duty/swaps", headers=as_("zhang"),
                                  data={"shift_id": SHIFT, "level": "a", "taker": "zhao", "reason": "家中有事"})
        assert asked.status_code == 422  # zhao has no account in the console: refused by name
        await d.app.state.site.accounts.create(name="zhao", role="operator", department=None, display_name="赵",
                                               password_hash="x", now=START)
        asked = await d.http.post("/console/duty/swaps", headers=as_("zhang"),
                                  data={"shift_id": SHIFT, "level": "a", "taker": "zhao", "reason": "家中有事"})
        assert asked.status_code == 303
        [swap] = await d.app.state.duty.store.pending_swaps()
        assert (await d.http.post(f"/console/duty/swaps/{swap.swap_id}/approve", headers=as_("zhao"))).status_code == 409
        assert (await d.http.post(f"/console/duty/swaps/{swap.swap_id}/approve", headers=as_("li"))).status_code == 409
        assert (await d.http.post(f"/console/duty/swaps/{swap.swap_id}/approve", headers=as_("wang"))).status_code == 303
        assert (await d.app.state.duty.store.shift(SHIFT)).a == "zhao"

        await d.send(major("case-after-swap"), REPORTS_TRIAGED)
        page = await open_page_of(d, "case-after-swap")
        assert page.person == "zhao"
        actions = [e["action"] for e in await d.app.state.site.accounts.read_audit(case_id=SHIFT)]
        assert {"duty.swap.request", "duty.swap.approve"} <= set(actions)


async def test_nobody_checked_in_pages_the_leader_and_a_check_in_prevents_it(infra, topic_prefix, mongo_db_name, gateway):
    async with running_dispatch(duty_settings(infra, topic_prefix, mongo_db_name, gateway)) as d:
        await plan(d, checked_in=False)
        await plan(d, NEXT_SHIFT, a="zhao", b="li", leader="wang")
        scheduler = d.app.state.duty_scheduler
        await scheduler.tick(START)  # an hour into Monday's shift, nobody checked in
        [page] = [p for p in await d.app.state.duty.store.open_pages() if p.kind == "no_checkin"]
        assert (page.level, page.person) == ("leader", "wang")

        d.clock.advance(timedelta(minutes=5))  # Monday's B arrives late: the leader's page is settled by the arrival
        assert (await d.http.post("/console/duty/checkin", headers=as_("li"))).status_code == 303
        settled = await d.app.state.duty.store.page(page.page_id)
        assert (settled.status, settled.resolved_by) == ("resolved", "li")

        d.clock.advance(timedelta(hours=22, minutes=40))  # Tuesday 08:45: Tuesday's A checks in early
        assert (await d.http.post("/console/duty/checkin", headers=as_("zhao"))).status_code == 303
        assert (await d.app.state.duty.store.shift(NEXT_SHIFT)).checkins.keys() == {"a"}
        await scheduler.tick(START + timedelta(hours=23, minutes=30))  # Tuesday 09:30
        assert not [p for p in await d.app.state.duty.store.open_pages() if p.kind == "no_checkin"]
        assert (await d.http.post("/console/duty/checkin", headers=as_("wang"))).status_code == 409  # the leader is not A/B


async def test_the_handover_log_is_drafted_at_0900_and_unacknowledged_by_0930_pages_the_leader(infra, topic_prefix, mongo_db_name, gateway):
    async with running_dispatch(duty_settings(infra, topic_prefix, mongo_db_name, gateway)) as d:
        await plan(d)
        await plan(d, NEXT_SHIFT, a="zhao", b="li", leader="wang")
        await d.send(major("case-in-shift"), REPORTS_TRIAGED)
        page = await open_page_of(d, "case-in-shift")
        await d.app.state.duty.acknowledge(page.page_id, Principal("zhang", "operator"))
        await d.send(RumorEvent(claim_id="clm-bridge", kind="alert", detail="20 reports in an hour"), RUMORS_EVENTS)
        await open_page_of(d, "clm-bridge")
        note = await d.http.post(f"/console/duty/logs/{SHIFT}/notes", headers=as_("zhang"),
                                 data={"text": "case-in-shift 待公安反馈，注意跟进"})
        assert note.status_code == 303

        scheduler, tuesday_0900 = d.app.state.duty_scheduler, START + timedelta(hours=23)
        await scheduler.tick(tuesday_0900 - timedelta(minutes=1))
        assert await d.app.state.duty.store.log(SHIFT) is None  # still Monday's shift
        await scheduler.tick(tuesday_0900)
        log = await d.app.state.duty.store.log(SHIFT)
        assert log is not None and log.statistics.cases_opened == 1 and log.rumor_alerts == 1
        assert [p.acknowledged_by for p in log.pages if p.kind == "urgent_case"] == ["zhang"]
        assert "case-in-shift" in {i.case_id for i in log.due_next_shift}
        assert [n.text for n in log.notes] == ["case-in-shift 待公安反馈，注意跟进"]

        await scheduler.tick(tuesday_0900 + timedelta(minutes=29))
        assert not [p for p in await d.app.state.duty.store.open_pages() if p.kind == "handover_unacknowledged"]
        await scheduler.tick(tuesday_0900 + timedelta(minutes=30))
        [late] = [p for p in await d.app.state.duty.store.open_pages() if p.kind == "handover_unacknowledged"]
        assert (late.level, late.person, late.subject) == ("leader", "wang", SHIFT)

        d.clock.advance(timedelta(hours=23, minutes=35))
        assert (await d.http.post(f"/console/duty/logs/{SHIFT}/ack", headers=as_("zhang"))).status_code == 409  # outgoing
        assert (await d.http.post(f"/console/duty/logs/{SHIFT}/ack", headers=as_("zhao"))).status_code == 303
        shown = await d.http.get(f"/console/duty/logs/{SHIFT}", headers=as_("li"))
        assert "zhao" in shown.text and "确认接班" in shown.text
        exported = await d.http.get(f"/console/duty/logs/{SHIFT}?format=json", headers=as_("li"))
        assert exported.json()["acknowledged_by"] == "zhao" and exported.json()["statistics"]["cases_opened"] == 1
        listed = await d.http.get("/console/duty/logs?q=待公安反馈&format=csv", headers=as_("li"))
        assert SHIFT in listed.text and "zhao" in listed.text
        assert SHIFT not in (await d.http.get("/console/duty/logs?q=没有这句话&format=csv", headers=as_("li"))).text

"""Chasing by a moved clock over the real Kafka and database, no sleeping: 催办 at three
quarters of the time, 督办 and escalation one level up when it passes (the supervisor's copy
on its own topic), the 09:00 digest per department; never twice, whatever runs twice."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from prometheus_client import REGISTRY

from libs.common.topics import CASES_EVENTS, CASES_FEEDBACK, REPORTS_REPLIES, REPORTS_TRIAGED
from services.dispatch.scheduler import ChaseScheduler

from tests.support.dispatch import START, feedback, running_dispatch, settings_for, triaged


def on(topic_suffix: str, **fields):
    return lambda topic, value: topic.endswith(topic_suffix) and all(value.get(k) == v for k, v in fields.items())


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_overdue_case_is_escalated_with_a_copy_on_the_supervisors_topic_and_never_twice(infra, topic_prefix, mongo_db_name):
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read(CASES_EVENTS, "dispatch.nn-city-cac")
        await d.send(triaged("case-late", "r-1"), REPORTS_TRIAGED)  # important gambling: city police, 24 h
        case = await d.case_when("case-late", lambda c: True)
        assert case["department_code"] == "nn-city-police"
        scheduler, restarted = d.app.state.scheduler, ChaseScheduler(d.app.state.ctx)
        escalations = sample("netreport_case_escalations_total", department="nn-city-police", to_department="nn-city-cac")

        assert await scheduler.tick(START + timedelta(hours=17, minutes=59)) == 0
        assert await scheduler.tick(START + timedelta(hours=18)) == 1  # 催办 at 75 % of 24 h
        assert await restarted.tick(START + timedelta(hours=18, minutes=5)) == 0

        at_deadline = START + timedelta(hours=24)
        both = await asyncio.gather(scheduler.tick(at_deadline), restarted.tick(at_deadline))
        # Overdue (督办), escalated and Tuesday's 09:00 digest: once each between the two schedulers.
        assert sum(both) == 3
        assert await scheduler.tick(at_deadline + timedelta(hours=5)) == 0
        await d.relayed()

        kinds = [e["kind"] for e in await out.wait_for(on(CASES_EVENTS, case_id="case-late"), n=4)]
        assert sorted(kinds) == ["dispatched", "escalated", "overdue", "reminder"]
        [copy] = await out.wait_for(on("dispatch.nn-city-cac", case_id="case-late"))
        assert copy["role"] == "supervisor" and copy["department"]["code"] == "nn-city-cac"
        assert sample("netreport_case_escalations_total", department="nn-city-police", to_department="nn-city-cac") == escalations + 1
        assert sample("netreport_cases_overdue", department="nn-city-police", severity="important") == 1

        # The supervisor took the case over and settles it; the reporter is told.
        replies = await d.read(REPORTS_REPLIES)
        await d.send(feedback("case-late", "nn-city-cac", "handled", "督办后已查处"), CASES_FEEDBACK)
        closed = await d.case_when("case-late", lambda c: c["status"] == "closed")
        assert closed["closed_by"] == "nn-city-cac"
        [reply] = await replies.wait_for(on(REPORTS_REPLIES, kind="closed"))
        assert "督办后已查处" in reply["text"]
        await scheduler.tick(at_deadline + timedelta(hours=6))
        assert sample("netreport_cases_overdue", department="nn-city-police", severity="important") == 0
        await asyncio.sleep(0.5)
        assert len(out.matching(on(CASES_EVENTS, case_id="case-late", kind="escalated"))) == 1


async def test_morning_digest_lists_each_departments_cases_due_today_once(infra, topic_prefix, mongo_db_name):
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read(CASES_EVENTS)
        await d.send(triaged("case-due", "r-1"), REPORTS_TRIAGED)  # important: due Tuesday 10:00
        await d.send(triaged("case-later", "r-2", category="vulgar", severity="general"), REPORTS_TRIAGED)  # Thursday
        await d.case_when("case-due", lambda c: True)
        await d.case_when("case-later", lambda c: True)

        tuesday_0859 = START + timedelta(hours=22, minutes=59)  # 08:59 local
        await d.app.state.scheduler.tick(tuesday_0859)
        assert await d.app.state.ctx.store.meta.find_one({"_id": "digest:2025-03-11"}) is None
        await d.app.state.scheduler.tick(tuesday_0859 + timedelta(minutes=1))
        await ChaseScheduler(d.app.state.ctx).tick(tuesday_0859 + timedelta(minutes=2))  # a restart
        await d.relayed()

        digests = await out.wait_for(on(CASES_EVENTS, kind="digest"))
        await asyncio.sleep(0.5)
        digests = out.matching(on(CASES_EVENTS, kind="digest"))
        assert [(e["department_code"], e["case_id"]) for e in digests] == [
            ("nn-city-police", "digest:2025-03-11:nn-city-police")]
        due = digests[0]["data"]["due_today"]
        assert [item["case_id"] for item in due] == ["case-due"] and digests[0]["data"]["overdue"] == []


async def test_a_general_case_is_not_chased_over_the_weekend(infra, topic_prefix, mongo_db_name):
    friday = START + timedelta(days=4)  # Friday 14 March 10:00 local
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        d.clock.advance(friday - START)
        await d.send(triaged("case-wk", "r-1", category="vulgar", severity="general"), REPORTS_TRIAGED)
        case = await d.case_when("case-wk", lambda c: True)
        # 72 working hours from Friday 10:00: Monday, Tuesday, then Wednesday 10:00.
        assert case["deadline_at"] == friday + timedelta(days=5)
        scheduler = d.app.state.scheduler
        await scheduler.tick(friday + timedelta(days=3))  # Monday 10:00: only the morning digest
        assert (await d.case("case-wk"))["reminded"] is False
        # 催办 at 54 working hours: Friday 14 h + Monday 24 h + Tuesday 16 h.
        await scheduler.tick(friday + timedelta(days=4, hours=5, minutes=59))
        assert (await d.case("case-wk"))["reminded"] is False
        await scheduler.tick(friday + timedelta(days=4, hours=6))
        assert (await d.case("case-wk"))["reminded"] is True


async def test_the_chase_queue_holds_only_cases_with_work_ahead_and_is_repaired_at_start(infra, topic_prefix, mongo_db_name):
    """A pass reads the cases its queue says are due, not every open case: a closed case
    leaves the queue at its next due time, and a case stored without an entry (by a version
    before the queue, or a crash between the two writes) is queued again when the scheduler
    starts, then chased on time."""
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        store = d.app.state.ctx.store
        await d.send(triaged("case-q1", "r-1"), REPORTS_TRIAGED)  # important: 催办 at +18 h
        await d.send(triaged("case-q2", "r-2"), REPORTS_TRIAGED)
        await d.case_when("case-q1", lambda c: True)
        await d.case_when("case-q2", lambda c: True)
        assert set(await store.chase_queue.keys()) >= {"case-q1", "case-q2"}

        await d.send(feedback("case-q2", "nn-city-police", "handled", "已查处"), CASES_FEEDBACK)
        await d.case_when("case-q2", lambda c: c["status"] == "closed")
        await store.chase_queue.collection.delete_one({"_id": "case-q1"})  # as if stored before the queue

        scheduler = ChaseScheduler(d.app.state.ctx)
        assert await store.requeue_open_cases() == 1  # what `run` does first
        assert await scheduler.tick(START + timedelta(hours=18)) == 1  # q1's 催办; q2 closed: nothing
        case = await d.case("case-q1")
        assert case["reminded"] is True
        queued = {doc["_id"]: doc["at"] async for doc in store.chase_queue.collection.find({})}
        assert "case-q2" not in queued  # closed: dropped when it came due
        assert queued["case-q1"] == case["deadline_at"]  # next: its deadline

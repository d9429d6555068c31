"""The feedback loop over the real Kafka and database: a case is routed, accepted, handled,
closed and replied to; refused cases move on and end with a person; a more severe report
raises its case. Inputs go in on Kafka, outputs are read with plain aiokafka."""
from __future__ import annotations

import json

from libs.common.topics import CASES_EVENTS, CASES_FEEDBACK, REPORTS_REPLIES, REPORTS_TRIAGED, dlq_topic

from services.dispatch.feedback_signature import department_key, sign_feedback
from tests.support.dispatch import feedback, running_dispatch, settings_for, triaged


def on(topic_suffix: str, **fields):
    return lambda topic, value: topic.endswith(topic_suffix) and all(value.get(k) == v for k, v in fields.items())


async def test_case_is_routed_accepted_handled_and_closed_with_a_reply_to_every_reporter(infra, topic_prefix, mongo_db_name):
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read("dispatch.nn-city-police", REPORTS_REPLIES, CASES_EVENTS)
        await d.send(triaged("case-a", "r-1"), REPORTS_TRIAGED)
        [dispatched] = await out.wait_for(on("dispatch.nn-city-police", case_id="case-a"))
        assert dispatched["role"] == "handler" and dispatched["dispatch_no"] == 1
        await d.send(triaged("case-a", "r-2"), REPORTS_TRIAGED)  # a second reporter joins
        await d.case_when("case-a", lambda c: len(c["reports"]) == 2)

        await d.send(feedback("case-a", "nn-city-police", "accepted", dispatch_no=1), CASES_FEEDBACK)
        await d.case_when("case-a", lambda c: c["status"] == "accepted")
        handled = feedback("case-a", "nn-city-police", "handled", "经查，该网站为境外赌博网站，已封堵并立案侦查",
                           handler_name="网安支队", dispatch_no=1)
        await d.send(handled, CASES_FEEDBACK)
        case = await d.case_when("case-a", lambda c: c["status"] == "closed")
        assert case["closed_by"] == "nn-city-police" and "已封堵" in case["result"]

        closing = await out.wait_for(on(REPORTS_REPLIES, kind="closed"), n=2)
        assert sorted(r["report_id"] for r in closing) == ["r-1", "r-2"]
        assert all("已封堵并立案侦查" in r["text"] and "南宁市公安局" in r["text"] and "复核" in r["text"] for r in closing)

        # Redelivered, repeated with a new id, or late: nothing more happens to a closed case.
        late = [feedback("case-a", "nn-city-police", "rejected", "不属本单位"), feedback("case-a", "nn-city-police", "accepted")]
        await d.send(handled, CASES_FEEDBACK)
        for answer in late:
            await d.send(answer, CASES_FEEDBACK)
        await d.handled("dispatch-feedback", *(a.event_id for a in late))  # same key: the redelivery came before
        await d.relayed()
        assert len(out.matching(on(REPORTS_REPLIES, kind="closed"))) == 2
        assert len(out.matching(on(CASES_EVENTS, case_id="case-a", kind="closed"))) == 1

        view = (await d.http.get("/api/v1/cases/case-a")).json()
        assert [e["kind"] for e in view["history"]] == ["dispatched", "accepted", "handled", "closed"]
        assert view["status"] == "closed" and view["report_count"] == 2
        assert "rp-r-1" not in json.dumps(view) and "T-r-1" not in json.dumps(view)


async def test_rejected_case_is_rerouted_once_then_goes_to_the_emergency_center(infra, topic_prefix, mongo_db_name):
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read("dispatch.nn-qingxiu-001-office", "dispatch.nn-qingxiu-cac", "dispatch.nn-city-emergency", CASES_EVENTS)
        await d.send(triaged("case-r", "r-1", category="vulgar", severity="general"), REPORTS_TRIAGED)
        await out.wait_for(on("dispatch.nn-qingxiu-001-office", case_id="case-r"))

        await d.send(feedback("case-r", "nn-qingxiu-001-office", "rejected", "非本街道职责", dispatch_no=1), CASES_FEEDBACK)
        [second] = await out.wait_for(on("dispatch.nn-qingxiu-cac", case_id="case-r"))
        assert second["dispatch_no"] == 2
        # A late answer from the former handler changes nothing.
        await d.send(feedback("case-r", "nn-qingxiu-001-office", "handled", "已处理"), CASES_FEEDBACK)

        await d.send(feedback("case-r", "nn-qingxiu-cac", "rejected", "应由文化部门处理", dispatch_no=2), CASES_FEEDBACK)
        [third] = await out.wait_for(on("dispatch.nn-city-emergency", case_id="case-r"))
        assert third["dispatch_no"] == 3
        case = await d.case_when("case-r", lambda c: c["dispatch_no"] == 3)
        assert case["status"] == "dispatched" and case["route"]["needs_human"]
        assert case["route"]["rejected_by"] == ["nn-qingxiu-001-office", "nn-qingxiu-cac"]
        rerouted = await out.wait_for(on(CASES_EVENTS, case_id="case-r", kind="rerouted"), n=2)
        assert rerouted[-1]["data"]["needs_human"] is True

        # An answer about a case that does not exist is kept for a person, not dropped.
        letters = await d.read(dlq_topic(CASES_FEEDBACK))
        await d.send(feedback("no-such-case", "nn-city-police", "handled", "已处理"), CASES_FEEDBACK)
        [letter] = await letters.wait_for(lambda topic, value: True)
        assert letter["error_type"] == "PermanentError" and "no-such-case" in letter["error"]


async def test_a_more_severe_report_raises_the_case_and_moves_it_up_a_level(infra, topic_prefix, mongo_db_name):
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read("dispatch.nn-qingxiu-001-office", "dispatch.nn-city-police", CASES_EVENTS, REPORTS_REPLIES)
        await d.send(triaged("case-s", "r-1", category="gambling", severity="general"), REPORTS_TRIAGED)
        await out.wait_for(on("dispatch.nn-qingxiu-001-office", case_id="case-s"))
        await d.send(triaged("case-s", "r-2", category="gambling", severity="important"), REPORTS_TRIAGED)
        [moved] = await out.wait_for(on("dispatch.nn-city-police", case_id="case-s"))
        assert moved["severity"] == "important" and moved["dispatch_no"] == 2
        assert sorted(moved["report_ids"]) == ["r-1", "r-2"]
        [raised] = await out.wait_for(on(CASES_EVENTS, case_id="case-s", kind="severity_raised"))
        assert raised["data"]["previous"] == "general"
        [joined] = await out.wait_for(on(REPORTS_REPLIES, report_id="r-2"))
        assert "南宁市公安局" in joined["text"]
        # The former handler's answer to round 1 is stale now.
        stale = feedback("case-s", "nn-qingxiu-001-office", "handled", "已处理", dispatch_no=1)
        await d.send(stale, CASES_FEEDBACK)
        await d.handled("dispatch-feedback", stale.event_id)
        assert (await d.case("case-s"))["status"] == "dispatched"


async def test_operator_lists_open_and_overdue_cases_per_department(infra, topic_prefix, mongo_db_name):
    from datetime import timedelta

    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        await d.send(triaged("case-o1", "r-1"), REPORTS_TRIAGED)
        await d.send(triaged("case-o2", "r-2", category="vulgar", severity="general"), REPORTS_TRIAGED)
        await d.case_when("case-o2", lambda c: True)
        await d.case_when("case-o1", lambda c: True)
        police = (await d.http.get("/api/v1/cases", params={"department": "nn-city-police"})).json()
        assert [c["case_id"] for c in police] == ["case-o1"] and police[0]["overdue"] is False
        assert (await d.http.get("/api/v1/cases", params={"overdue": "true"})).json() == []
        d.clock.advance(timedelta(hours=25))  # the important case's 24 h have run out
        overdue = (await d.http.get("/api/v1/cases", params={"overdue": "true"})).json()
        assert [c["case_id"] for c in overdue] == ["case-o1"] and overdue[0]["overdue"] is True
        assert (await d.http.get("/api/v1/cases", params={"department": "no-such"})).status_code == 404


async def test_an_answer_not_signed_by_its_department_changes_nothing_and_is_kept_for_a_person(
        infra, topic_prefix, mongo_db_name):
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name)) as d:
        out = await d.read("dispatch.nn-city-police", REPORTS_REPLIES)
        letters = await d.read(dlq_topic(CASES_FEEDBACK))
        await d.send(triaged("case-f", "r-1"), REPORTS_TRIAGED)
        await out.wait_for(on("dispatch.nn-city-police", case_id="case-f"))
        # Another department (culture) answers "handled" for the police, signed with its own key.
        forged = sign_feedback(feedback("case-f", "nn-city-police", "handled", "已办结（伪造）", dispatch_no=1),
                               department_key(d.app.state.ctx.feedback_key, "nn-city-culture"))
        unsigned = feedback("case-f", "nn-city-police", "handled", "已办结（未签名）", dispatch_no=1)
        await d.producer.send_and_wait(d.topic(CASES_FEEDBACK), forged.model_dump_json().encode(), key=b"case-f")
        await d.producer.send_and_wait(d.topic(CASES_FEEDBACK), unsigned.model_dump_json().encode(), key=b"case-f")
        dead = await letters.wait_for(lambda topic, value: True, n=2)
        assert all(letter["error_type"] == "PermanentError" and "not signed" in letter["error"] for letter in dead)
        assert (await d.case("case-f"))["status"] == "dispatched"  # nothing closed it
        assert not [r for r in out.records if r[0].endswith(REPORTS_REPLIES) and r[1].get("kind") == "closed"]
        # The police's own signed answer closes it.
        await d.send(feedback("case-f", "nn-city-police", "handled", "经查属实，已处置", dispatch_no=1), CASES_FEEDBACK)
        closed = await d.case_when("case-f", lambda c: c["status"] == "closed")
        assert closed["result"] == "经查属实，已处置"

"""A case's new round (re-route, reopening) and a severity raise, as change + events."""
from __future__ import annotations

from datetime import timedelta

from libs.common.events import CaseDispatched, CaseEvent, ReporterReply, TakedownRequested, TriageDecision
from services.dispatch.decide import decide_raise
from services.dispatch.takedown.platforms import plan_takedowns
from services.dispatch.rounds import new_round, raise_case
from services.dispatch.routing import Route, reroute

FORUM = "https://bbs.nanning-forum.example/t/1"


def kinds(events):
    return [(type(e).__name__, getattr(e, "kind", None) or getattr(e, "role", None)) for e, _ in events]


def test_a_reroute_is_a_new_round_with_a_fresh_deadline(make_case, directory, routing_policy, deadline_policy, platforms):
    case = make_case(category="vulgar", severity="general")
    later = case["opened_at"] + timedelta(hours=30)
    route = reroute(Route.model_validate(case["route"]), {case["department_code"]}, directory=directory, policy=routing_policy)
    plan = plan_takedowns(route, category="vulgar", urls=[], registry=platforms)
    change, events = new_round(case, plan, severity="general", parent="fb-1", now=later, deadlines=deadline_policy,
                               kind="rerouted", detail=route.reason)
    assert change["dispatch_no"] == 2 and change["department_code"] == "nn-qingxiu-cac"
    assert change["dispatched_at"] == later and change["deadline_at"] > case["deadline_at"]
    assert kinds(events) == [("CaseDispatched", "handler"), ("CaseEvent", "rerouted")]
    assert events[0][1] == "dispatch.nn-qingxiu-cac"
    assert events[-1][0].data["from_department"] == "nn-qingxiu-001-office"


def test_a_reopened_platform_case_asks_the_platform_again(make_case, deadline_policy, platforms):
    case = make_case(category="vulgar", severity="general", urls=[FORUM]) | {"status": "closed"}
    plan = plan_takedowns(Route.model_validate(case["route"]), category="vulgar", urls=[FORUM], registry=platforms)
    change, events = new_round(case, plan, severity="general", parent="rc-1", now=case["opened_at"],
                               deadlines=deadline_policy, kind="reopened", detail="still online")
    assert change["status"] == "dispatched" and change["department_code"] == "platform.nanning-forum"
    assert [type(e) for e, _ in events] == [TakedownRequested, CaseEvent, CaseEvent]
    assert events[0][1] == "cases.takedown"


def test_raise_with_the_same_handler_keeps_the_round_and_tightens_the_deadline(
        make_case, directory, routing_policy, deadline_policy, platforms):
    case = make_case(category="other", severity="difficult")  # emergency center, 48 working hours
    raised = decide_raise(case, TriageDecision(category="other", severity="emergency"),
                          directory=directory, routing=routing_policy, platforms=platforms)
    now = case["opened_at"] + timedelta(hours=1)
    change, events = raise_case(case, raised, parent="t-2", report_id="r-2", now=now, deadlines=deadline_policy)
    assert "dispatch_no" not in change and change["severity"] == "emergency"
    assert change["deadline_at"] == now + timedelta(hours=4)
    dispatched = [e for e, _ in events if isinstance(e, CaseDispatched)]
    assert [(d.dispatch_no, d.severity) for d in dispatched] == [(1, "emergency")]
    assert [e.kind for e, _ in events if isinstance(e, CaseEvent)] == ["severity_raised"]
    assert isinstance(events[-1][0], ReporterReply)


def test_raise_to_major_reports_upward(make_case, directory, routing_policy, deadline_policy, platforms):
    case = make_case(category="terror_violence", severity="important")
    raised = decide_raise(case, TriageDecision(category="terror_violence", severity="major"),
                          directory=directory, routing=routing_policy, platforms=platforms)
    change, events = raise_case(case, raised, parent="t-2", report_id="r-2", now=case["opened_at"], deadlines=deadline_policy)
    assert change["department_code"] == "nn-city-leadership" and change["dispatch_no"] == 2
    assert {e.kind for e, _ in events if isinstance(e, CaseEvent)} >= {"rerouted", "severity_raised", "upward_report"}

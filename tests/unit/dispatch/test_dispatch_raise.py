"""A later report of HIGHER severity raises its case, and re-routes it when the level changes."""
from __future__ import annotations

from libs.common.events import TriageDecision
from services.dispatch.decide import decide_raise


def judged(severity, category="vulgar", zone=None):
    return TriageDecision(category=category, severity=severity, zone=zone)


def test_same_or_lower_severity_changes_nothing(make_case, directory, routing_policy, platforms):
    case = make_case(severity="important", category="fraud")
    for severity in ("general", "important"):
        assert decide_raise(case, judged(severity, "fraud"), directory=directory, routing=routing_policy, platforms=platforms) is None


def test_general_to_important_moves_the_case_to_the_city_industry_department(make_case, directory, routing_policy, platforms):
    case = make_case(severity="general", category="gambling")
    raised = decide_raise(case, judged("important", "gambling"), directory=directory, routing=routing_policy, platforms=platforms)
    assert raised.new_handler and raised.plan.route.department.code == "nn-city-police"
    assert (raised.previous, raised.severity) == ("general", "important")


def test_difficult_to_emergency_stays_with_the_emergency_center(make_case, directory, routing_policy, platforms):
    case = make_case(severity="difficult", category="other")
    raised = decide_raise(case, judged("emergency", "other"), directory=directory, routing=routing_policy, platforms=platforms)
    assert not raised.new_handler and raised.plan.route.department.code == "nn-city-emergency"


def test_major_goes_to_leadership_with_an_upward_report(make_case, directory, routing_policy, platforms):
    case = make_case(severity="important", category="terror_violence")
    raised = decide_raise(case, judged("major", "terror_violence"), directory=directory, routing=routing_policy, platforms=platforms)
    assert raised.plan.route.department.code == "nn-city-leadership" and raised.plan.route.upward_report


def test_a_department_that_refused_stays_refused(make_case, directory, routing_policy, platforms):
    case = make_case(severity="general", category="gambling")
    case["route"]["rejected_by"] = ["nn-city-police"]
    raised = decide_raise(case, judged("important", "gambling"), directory=directory, routing=routing_policy, platforms=platforms)
    assert raised.plan.route.department.code != "nn-city-police"


def test_a_platform_handled_case_moves_to_a_department_when_raised(make_case, directory, routing_policy, platforms):
    case = make_case(severity="general", category="vulgar", urls=["https://bbs.nanning-forum.example/t/1"])
    assert case["department_code"] == "platform.nanning-forum"
    raised = decide_raise(case, judged("important", "vulgar"), directory=directory, routing=routing_policy, platforms=platforms)
    assert raised.plan.route.department.code == "nn-city-culture"
    assert [(t.platform.id, t.role) for t in raised.plan.takedowns] == [("nanning-forum", "co")]


def test_a_transferred_case_is_only_noted(make_case, directory, routing_policy, platforms):
    case = make_case(severity="general", category="other", location="江苏省宿迁市宿城区")
    assert case["status"] == "transferred"
    raised = decide_raise(case, judged("important", "fraud"), directory=directory, routing=routing_policy, platforms=platforms)
    assert raised.plan is None and raised.severity == "important"

"""Whose answer counts: repeats, stale rounds, former handlers and closed cases are noted only."""
from __future__ import annotations

from libs.common.events import CaseFeedback
from services.dispatch.answers import judge_answer


def fb(action="handled", department="nn-qingxiu-001-office", **kw):
    return CaseFeedback(case_id="case-1", department_code=department, action=action, **kw)


def test_the_handler_may_accept_handle_remove_and_reject(make_case):
    case = make_case()
    for action in ("accepted", "handled", "removed", "rejected"):
        verdict = judge_answer(case, fb(action))
        assert verdict.applies and verdict.role == "handler"


def test_a_repeated_answer_is_a_duplicate(make_case):
    answer = fb()
    case = make_case() | {"feedback_events": [answer.event_id]}
    assert judge_answer(case, answer).outcome == "duplicate"


def test_accepting_twice_is_a_duplicate(make_case):
    assert judge_answer(make_case() | {"status": "accepted"}, fb("accepted")).outcome == "duplicate"


def test_an_answer_to_an_earlier_round_is_stale(make_case):
    case = make_case() | {"dispatch_no": 2}
    assert judge_answer(case, fb(dispatch_no=1)).outcome == "stale"
    assert judge_answer(case, fb(dispatch_no=2)).applies
    assert judge_answer(case, fb()).applies  # a client that does not send the round is trusted on its code


def test_a_former_handler_is_not_involved_any_more(make_case):
    case = make_case() | {"department_code": "nn-qingxiu-cac"}
    assert judge_answer(case, fb()).outcome == "not_involved"


def test_nothing_is_applied_to_a_closed_case(make_case):
    case = make_case() | {"status": "closed"}
    assert judge_answer(case, fb("removed")).outcome == "closed"


def test_the_supervisor_may_settle_but_not_refuse(make_case):
    case = make_case() | {"escalated_to": {"code": "nn-qingxiu-cac", "kind": "cac", "name": "青秀区网信办"}}
    assert judge_answer(case, fb("handled", "nn-qingxiu-cac")).role == "supervisor"
    assert judge_answer(case, fb("rejected", "nn-qingxiu-cac")).outcome == "not_allowed"


def test_a_platform_asked_alongside_may_only_report_the_removal_once(make_case):
    case = make_case(category="gambling", severity="important", urls=["https://bbs.nanning-forum.example/t/1"])
    platform = "platform.nanning-forum"
    assert judge_answer(case, fb("removed", platform)).role == "platform"
    assert judge_answer(case, fb("handled", platform)).outcome == "not_allowed"
    assert judge_answer(case | {"removed_by": [platform]}, fb("removed", platform)).outcome == "duplicate"

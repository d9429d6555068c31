"""Chasing open cases with a movable clock: 催办, 督办, escalation, the 09:00 digest."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.dispatch.casefile import chase_from, recheck_from
from services.dispatch.chase import OpenCase, after, chases_for, morning_digest, next_due, next_escalation_level, plan_chases
from services.dispatch.deadlines import deadline_at

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def open_case(directory, deadline_policy):
    def _case(case_id="c1", department="nn-city-police", severity="important",
              dispatched=None, **flags):
        dispatched = dispatched or at(2025, 3, 10, 10)
        return OpenCase(case_id=case_id, department=directory.department(department).ref(),
                        severity=severity, dispatched_at=dispatched,
                        deadline_at=deadline_at(severity, dispatched, deadline_policy), **flags)
    return _case


@pytest.mark.parametrize("department, upper", [
    ("nn-qingxiu-001-office", "nn-qingxiu-cac"),
    ("nn-gaoxin-cac", "nn-xixiangtang-cac"),
    ("nn-binyang-police", "nn-city-police"),
    ("nn-qingxiu-cac", "nn-city-cac"),
    ("nn-city-police", "nn-city-cac"),
    ("nn-city-cac", "nn-city-leadership"),
    ("nn-city-emergency", "nn-city-leadership"),
])
def test_escalation_goes_one_level_up(directory, department, upper):
    assert next_escalation_level(department, directory).code == upper


def test_department_no_longer_in_the_directory_is_supervised_by_the_city_cac(directory):
    assert next_escalation_level("nn-gone-office", directory).code == "nn-city-cac"


def test_leadership_has_no_level_above(directory):
    assert next_escalation_level("nn-city-leadership", directory) is None


def test_nothing_is_chased_before_the_reminder_time(open_case, deadline_policy, directory):
    case = open_case()
    assert plan_chases([case], at(2025, 3, 11, 3), deadline_policy, directory=directory) == []


def test_reminder_is_due_at_three_quarters_of_the_time_allowed(
        open_case, deadline_policy, directory):
    case = open_case()  # important: 24 h from 10:00, reminder at 04:00 next day
    actions = plan_chases([case], at(2025, 3, 11, 4), deadline_policy, directory=directory)
    assert [(a.kind, a.department.code) for a in actions] == [("reminder", "nn-city-police")]
    assert actions[0].due_at == at(2025, 3, 11, 4)


def test_reminder_already_sent_is_not_sent_again(open_case, deadline_policy, directory):
    case = open_case(reminded=True)
    assert plan_chases([case], at(2025, 3, 11, 5), deadline_policy, directory=directory) == []


def test_overdue_case_is_supervised_and_escalated_one_level_up(
        open_case, deadline_policy, directory):
    case = open_case(department="nn-binyang-police", reminded=True)
    actions = plan_chases([case], at(2025, 3, 11, 10), deadline_policy, directory=directory)
    assert [a.kind for a in actions] == ["overdue", "escalated"]
    assert all(a.to_department.code == "nn-city-police" for a in actions)


def test_escalated_and_supervised_case_is_not_chased_again(open_case, deadline_policy, directory):
    upper = directory.department("nn-city-cac").ref()
    case = open_case(reminded=True, overdue_notified=True, escalated_to=upper)
    assert plan_chases([case], at(2025, 3, 12, 10), deadline_policy, directory=directory) == []


def test_planning_twice_gives_the_same_action_ids(open_case, deadline_policy, directory):
    cases = [open_case("a"), open_case("b", severity="general")]
    now = at(2025, 3, 20, 10)
    first = plan_chases(cases, now, deadline_policy, directory=directory)
    again = plan_chases(cases, now + timedelta(minutes=1), deadline_policy, directory=directory)
    assert [a.action_id for a in first] == [a.action_id for a in again]
    assert len({a.action_id for a in first}) == len(first) == 4


def test_general_case_is_not_overdue_during_the_national_day_holiday(
        open_case, deadline_policy, directory):
    case = open_case(department="nn-qingxiu-001-office", severity="general",
                     dispatched=at(2025, 9, 30, 10), reminded=True)
    assert plan_chases([case], at(2025, 10, 7, 12), deadline_policy, directory=directory) == []


def test_morning_digest_lists_cases_due_today_per_department(open_case, deadline_policy):
    due_today = open_case("today", dispatched=at(2025, 3, 9, 15))  # due 10 March 15:00
    overnight = open_case("late", dispatched=at(2025, 3, 9, 7))  # due 10 March 07:00
    tomorrow = open_case("tomorrow", dispatched=at(2025, 3, 10, 11))
    other = open_case("other", department="nn-qingxiu-cac", dispatched=at(2025, 3, 9, 20))
    digests = morning_digest([due_today, overnight, tomorrow, other], date(2025, 3, 10),
                             deadline_policy)
    by_code = {d.department.code: d for d in digests}
    assert list(by_code) == ["nn-city-police", "nn-qingxiu-cac"]
    police = by_code["nn-city-police"]
    assert [i.case_id for i in police.due_today] == ["today"]
    assert [i.case_id for i in police.overdue] == ["late"]


def test_escalated_case_also_shows_in_the_supervisors_digest(open_case, directory, deadline_policy):
    upper = directory.department("nn-city-cac").ref()
    case = open_case(dispatched=at(2025, 3, 8, 12), escalated_to=upper)
    digests = morning_digest([case], date(2025, 3, 10), deadline_policy)
    assert [d.department.code for d in digests] == ["nn-city-cac", "nn-city-police"]


def test_digest_day_is_the_shanghai_calendar_day(open_case, deadline_policy):
    # due 23:30 in Shanghai on 10 March = 15:30 UTC the same day; 00:30 on 11 March is not today
    late_evening = open_case("evening", dispatched=at(2025, 3, 9, 23, 30))
    after_midnight = open_case("night", dispatched=at(2025, 3, 10, 0, 30))
    digests = morning_digest([late_evening, after_midnight], date(2025, 3, 10), deadline_policy)
    assert [i.case_id for i in digests[0].due_today] == ["evening"]


def test_queue_walks_a_case_from_its_reminder_to_its_deadline_then_lets_it_go(
        open_case, deadline_policy, directory):
    """What the chase queue holds for a case: the reminder time, then the deadline, then nothing
    once supervised and escalated; every action on the way is planned exactly at its time."""
    case = open_case()  # important, city police: reminder 04:00 next day, deadline 10:00
    dispatched = at(2025, 3, 10, 10)
    assert next_due(case, dispatched, deadline_policy, directory=directory) == at(2025, 3, 11, 4)

    reminder_time = at(2025, 3, 11, 4)
    actions = chases_for(case, reminder_time, deadline_policy, directory)
    case = after(case, actions)
    assert case.reminded
    assert next_due(case, reminder_time, deadline_policy, directory=directory) == at(2025, 3, 11, 10)

    deadline = at(2025, 3, 11, 10)
    actions = chases_for(case, deadline, deadline_policy, directory)
    assert sorted(a.kind for a in actions) == ["escalated", "overdue"]
    case = after(case, actions)
    assert case.escalated_to.code == "nn-city-cac"
    assert next_due(case, deadline, deadline_policy, directory=directory) is None


def test_a_case_first_looked_at_after_its_deadline_skips_the_reminder_and_is_not_kept(
        open_case, deadline_policy, directory):
    """A scheduler that was down past a deadline: 督办 and escalation, no late 催办, and the queue
    does not keep asking about the reminder that was never sent."""
    case = open_case()
    late = at(2025, 3, 12, 9)
    actions = chases_for(case, late, deadline_policy, directory)
    assert sorted(a.kind for a in actions) == ["escalated", "overdue"]
    assert next_due(after(case, actions), late, deadline_policy, directory=directory) is None


def test_at_the_top_of_the_chain_a_supervised_case_leaves_the_queue(open_case, deadline_policy, directory):
    case = open_case(department="nn-city-leadership")
    deadline = case.deadline_at
    actions = chases_for(case, deadline, deadline_policy, directory)
    assert [a.kind for a in actions] == ["overdue"]  # nobody above leadership to escalate to
    assert next_due(after(case, actions), deadline, deadline_policy, directory=directory) is None


def test_writes_ask_the_queue_for_the_reminder_of_an_open_case_only():
    """casefile's rule for which writes schedule the chase and the re-check."""
    remind, due = at(2025, 3, 11, 4), at(2025, 3, 11, 10)
    assert chase_from({"status": "dispatched", "deadline_at": due, "reminder_at": remind}) == remind
    assert chase_from({"deadline_at": due, "reminder_at": remind, "severity": "major"}) == remind  # raised in place
    assert chase_from({"status": "transferred", "deadline_at": due, "reminder_at": remind}) is None
    assert chase_from({"status": "closed", "result": "handled"}) is None
    pending = {"id": "r1", "state": "pending", "at": due, "attempts": 0, "urls": [], "reported_by": "x"}
    assert recheck_from({"recheck": pending}) == due
    assert recheck_from({"recheck.at": remind, "recheck.state": "pending"}) == remind
    assert recheck_from({"recheck.at": remind, "recheck.state": "inconclusive"}) is None
    assert recheck_from({"recheck": None}) is None

"""Deadlines (办理时限) by severity, on the calendar or on China's working days."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.dispatch.deadlines import (
    DeadlinePolicy,
    deadline_at,
    digest_time_on,
    is_working_day,
    reminder_at,
)

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_policy_file_holds_the_hours_per_severity(deadline_policy):
    assert deadline_policy.hours == {"major": 2, "emergency": 4, "important": 24,
                                     "difficult": 48, "general": 72}
    assert set(deadline_policy.working_days_only) == {"general", "difficult"}


def test_major_case_is_due_two_hours_later_even_at_night_on_a_holiday(deadline_policy):
    assert deadline_at("major", at(2025, 10, 1, 23, 30), deadline_policy) == at(2025, 10, 2, 1, 30)


def test_important_case_runs_on_the_calendar_over_a_weekend(deadline_policy):
    assert deadline_at("important", at(2025, 3, 7, 16), deadline_policy) == at(2025, 3, 8, 16)


def test_general_deadline_skips_national_day_holiday(deadline_policy):
    # 2025: 1-8 October off; Saturday 11 October is an adjusted working day (调休).
    start = at(2025, 9, 30, 10)
    assert deadline_at("general", start, deadline_policy) == at(2025, 10, 11, 10)


def test_general_deadline_is_three_working_days_later_at_the_same_time(deadline_policy):
    assert deadline_at("general", at(2025, 3, 5, 14), deadline_policy) == at(2025, 3, 10, 14)


def test_working_day_clock_started_on_a_weekend_starts_at_nine_on_monday(deadline_policy):
    assert deadline_at("general", at(2025, 3, 8, 22), deadline_policy) == at(2025, 3, 13, 9)


def test_difficult_case_dispatched_on_friday_is_due_on_tuesday(deadline_policy):
    assert deadline_at("difficult", at(2025, 3, 7, 11), deadline_policy) == at(2025, 3, 11, 11)


def test_deadline_is_computed_in_shanghai_time_from_a_utc_start(deadline_policy):
    start = datetime(2025, 3, 7, 20, 0, tzinfo=UTC)  # Saturday 04:00 in Shanghai
    due = deadline_at("general", start, deadline_policy)
    assert due == at(2025, 3, 13, 9) and due.utcoffset() == timedelta(hours=8)


def test_naive_start_time_is_refused(deadline_policy):
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_at("general", datetime(2025, 3, 7, 11), deadline_policy)


def test_reminder_comes_at_the_configured_share_of_the_time_allowed(deadline_policy):
    assert reminder_at("important", at(2025, 3, 7, 0), deadline_policy) == at(2025, 3, 7, 18)
    # general: 54 of its 72 working hours: Friday 12 h, Monday 24 h, Tuesday 18 h
    assert reminder_at("general", at(2025, 3, 7, 12), deadline_policy) == at(2025, 3, 11, 18)


def test_hours_are_configurable():
    policy = DeadlinePolicy(hours={"major": 1, "emergency": 2, "important": 12, "difficult": 24,
                                   "general": 24}, working_days_only=[])
    assert deadline_at("general", at(2025, 10, 1, 8), policy) == at(2025, 10, 2, 8)


def test_operator_added_holiday_is_not_a_working_day():
    policy = DeadlinePolicy(extra_holidays=[date(2025, 3, 10)])
    assert not is_working_day(date(2025, 3, 10), policy)
    assert deadline_at("general", at(2025, 3, 7, 9), policy) == at(2025, 3, 13, 9)


def test_year_beyond_the_calendar_package_falls_back_to_weekdays():
    policy = DeadlinePolicy()
    assert is_working_day(date(2031, 1, 6), policy)  # a Monday
    assert not is_working_day(date(2031, 1, 5), policy)  # a Sunday


def test_digest_time_is_nine_in_the_morning_local(deadline_policy):
    assert digest_time_on(date(2025, 3, 10), deadline_policy) == at(2025, 3, 10, 9)

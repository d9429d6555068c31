"""Time limits (办理时限) and reminder times (催办), counted on the calendar or on working days.

Pure: `deadline_at(severity, start, policy)` with per-severity hours and the working-day
rule from rules/deadlines.yaml. Working days are China's, with statutory holidays and 调休
working weekends from the `chinese-calendar` package; times are Asia/Shanghai.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, field_validator

from libs.common.rulefile import load_rule_file
from libs.common.vocabulary import Severity

DEFAULT_DEADLINE_POLICY = Path(__file__).parent / "rules" / "deadlines.yaml"
MAX_DAYS_AHEAD = 400  # a limit of hours never spans more; guards the day loop


def _default_hours() -> dict[Severity, float]:
    return {"major": 2, "emergency": 4, "important": 24, "difficult": 48, "general": 72}


def _default_working_days_only() -> list[Severity]:
    return ["general", "difficult"]


class DeadlinePolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    timezone: str = "Asia/Shanghai"
    hours: dict[Severity, float] = Field(default_factory=_default_hours)
    working_days_only: list[Severity] = Field(default_factory=_default_working_days_only)
    workday_start: time = time(9, 0)
    reminder_share: float = Field(default=0.75, gt=0, lt=1)
    digest_time: time = time(9, 0)
    extra_holidays: list[date] = Field(default_factory=list)
    extra_workdays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        ZoneInfo(name)  # raises on an unknown zone: fail at load, not at 3 a.m.
        return name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_deadline_policy(path: str | Path = DEFAULT_DEADLINE_POLICY) -> DeadlinePolicy:
    return load_rule_file(DeadlinePolicy, path)


def is_working_day(day: date, policy: DeadlinePolicy) -> bool:
    """China's working days; past the package's years, Monday to Friday plus the policy's dates."""
    if day in policy.extra_workdays:
        return True
    if day in policy.extra_holidays:
        return False
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # year not covered by the installed package
        return day.weekday() < 5


def deadline_at(severity: Severity, start: datetime, policy: DeadlinePolicy) -> datetime:
    """When a case dispatched at `start` is due."""
    return _after(severity, start, policy.hours[severity], policy)


def reminder_at(severity: Severity, start: datetime, policy: DeadlinePolicy) -> datetime:
    """When to remind (催办): the policy's share of the time allowed, counted the same way."""
    return _after(severity, start, policy.hours[severity] * policy.reminder_share, policy)


def _after(severity: Severity, start: datetime, hours: float, policy: DeadlinePolicy) -> datetime:
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    local = start.astimezone(policy.tz)
    if severity in policy.working_days_only:
        return _after_working_time(local, timedelta(hours=hours), policy)
    return local + timedelta(hours=hours)


def _after_working_time(start: datetime, remaining: timedelta, policy: DeadlinePolicy) -> datetime:
    """Let the clock run only on working days (whole days, not office hours: a 72 h case is
    due three working days later at the same time of day)."""
    tz = policy.tz
    t = start
    if not is_working_day(t.date(), policy):
        t = datetime.combine(_next_working_day(t.date(), policy), policy.workday_start, tz)
    for _ in range(MAX_DAYS_AHEAD):
        day_end = datetime.combine(t.date() + timedelta(days=1), time(0), tz)
        if remaining <= day_end - t:
            return t + remaining
        remaining -= day_end - t
        t = datetime.combine(_next_working_day(t.date(), policy), time(0), tz)
    raise ValueError("deadline too far ahead")  # only with hours beyond MAX_DAYS_AHEAD days


def _next_working_day(day: date, policy: DeadlinePolicy) -> date:
    for offset in range(1, MAX_DAYS_AHEAD):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, policy):
            return candidate
    raise ValueError(f"no working day within {MAX_DAYS_AHEAD} days of {day}")


def local_day(moment: datetime, policy: DeadlinePolicy) -> date:
    """The calendar day in the center's time zone (what "today" means for the digest)."""
    return moment.astimezone(policy.tz).date()


def digest_time_on(day: date, policy: DeadlinePolicy) -> datetime:
    """When the morning digest for `day` is due (09:00 handover, local time)."""
    return datetime.combine(day, policy.digest_time, policy.tz)

"""Pure: the statistics of one period from dispatch's case documents.

Counts follow the brief's upward-report tables: reports by category, channel and
severity; cases by department (opened, closed, closed within the deadline, still open
and overdue at the end of the period); the share closed within the deadline; and the
major and emergency cases of the period by name. Reports triage judged invalid never
become cases, so they are not counted here (triage's metrics count them).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from libs.common.vocabulary import CATEGORIES, CHANNELS, SEVERITIES
from services.dispatch.casefile import OPEN_STATUSES
from services.dispatch.statistics.period import Period

NOTABLE = ("major", "emergency")


class ReportTally(BaseModel):
    total: int
    by_category: dict[str, int]
    by_channel: dict[str, int]
    by_severity: dict[str, int]


class DepartmentLine(BaseModel):
    department_code: str
    department_name: str
    opened: int = 0
    closed: int = 0
    closed_within_deadline: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0


class NotableCase(BaseModel):
    case_id: str
    severity: str
    category: str
    department_code: str | None
    status: str
    opened_at: datetime


class Statistics(BaseModel):
    period: Period
    as_of: datetime  # the period's end, or now while the period is still running
    reports: ReportTally
    cases_opened: int
    cases_opened_by_severity: dict[str, int]
    cases_transferred: int
    cases_closed: int
    closed_within_deadline: int
    closed_within_deadline_share: float | None  # None when nothing closed in the period
    open_at_end: int
    overdue_at_end: int
    departments: list[DepartmentLine]
    major_and_emergency: list[NotableCase]
    rumors_rebutted: int  # claims whose first rebuttal was published in the period (from rumors.events)


def _within(t: datetime | None, start: datetime, end: datetime) -> bool:
    return t is not None and start <= t < end


def _zero_filled(counter: Counter[str], keys: Iterable[str]) -> dict[str, int]:
    return {k: counter.get(k, 0) for k in keys} | {k: n for k, n in counter.items() if k not in keys}


def _open_at(case: dict[str, Any], at: datetime) -> bool:
    if case.get("status") == "transferred" or case["opened_at"] >= at:
        return False
    closed_at = case.get("closed_at")
    return (closed_at is None and case.get("status") in OPEN_STATUSES) or (closed_at is not None and closed_at >= at)


def _reports(cases: list[dict[str, Any]], period: Period) -> ReportTally:
    category, channel, severity = Counter[str](), Counter[str](), Counter[str]()
    for case in cases:
        for report in case.get("reports", []):
            if _within(report.get("submitted_at"), period.start, period.end):
                category[case["category"]] += 1
                channel[report.get("channel") or "unknown"] += 1
                severity[case["severity"]] += 1
    return ReportTally(total=sum(category.values()), by_category=_zero_filled(category, CATEGORIES),
                       by_channel=_zero_filled(channel, CHANNELS), by_severity=_zero_filled(severity, SEVERITIES))


def _departments(cases: list[dict[str, Any]], period: Period, as_of: datetime) -> list[DepartmentLine]:
    lines: dict[str, DepartmentLine] = {}
    for case in cases:
        code = case.get("department_code")
        if not code:
            continue  # transferred to another city: no department here
        line = lines.setdefault(code, DepartmentLine(department_code=code, department_name=case.get("department_name") or ""))
        line.opened += _within(case["opened_at"], period.start, period.end)
        if _within(case.get("closed_at"), period.start, period.end):
            line.closed += 1
            line.closed_within_deadline += case["closed_at"] <= case["deadline_at"]
        if _open_at(case, as_of):
            line.open_at_end += 1
            line.overdue_at_end += case["deadline_at"] <= as_of
    return sorted(lines.values(), key=lambda d: d.department_code)


def summarize(cases: list[dict[str, Any]], period: Period, now: datetime, *, rumors_rebutted: int = 0) -> Statistics:
    as_of = min(period.end, now)
    opened = [c for c in cases if _within(c["opened_at"], period.start, period.end)]
    closed = [c for c in cases if _within(c.get("closed_at"), period.start, period.end)]
    on_time = sum(c["closed_at"] <= c["deadline_at"] for c in closed)
    still_open = [c for c in cases if _open_at(c, as_of)]
    notable = [NotableCase(case_id=c["_id"], severity=c["severity"], category=c["category"],
                           department_code=c.get("department_code"), status=c["status"], opened_at=c["opened_at"])
               for c in sorted(opened, key=lambda c: c["opened_at"]) if c["severity"] in NOTABLE]
    return Statistics(
        period=period, as_of=as_of, reports=_reports(cases, period),
        cases_opened=len(opened),
        cases_opened_by_severity=_zero_filled(Counter(c["severity"] for c in opened), SEVERITIES),
        cases_transferred=sum(c.get("status") == "transferred" for c in opened),
        cases_closed=len(closed), closed_within_deadline=on_time,
        closed_within_deadline_share=round(on_time / len(closed), 4) if closed else None,
        open_at_end=len(still_open), overdue_at_end=sum(c["deadline_at"] <= as_of for c in still_open),
        departments=_departments(cases, period, as_of), major_and_emergency=notable,
        rumors_rebutted=rumors_rebutted,
    )

"""Reports upward (services.dispatch.statistics): the pure figures of a day or a month,
their CSV, and the census behind the department dashboard."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.dispatch.statistics.census import count
from services.dispatch.statistics.compute import summarize
from services.dispatch.statistics.period import daily, monthly, previous_month
from services.dispatch.statistics.render import to_csv

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 5, 11)
T0 = datetime(2026, 5, 11, 1, 0, tzinfo=UTC)  # 09:00 in Nanning


def case(cid: str, *, opened: datetime, severity: str = "general", category: str = "fraud", department: str | None = "nn-a",
         status: str = "dispatched", closed: datetime | None = None, deadline_h: float = 72, channel: str = "web",
         reminder_h: float | None = None, escalated: bool = False, extra_reports: int = 0) -> dict:
    reports = [{"submitted_at": opened - timedelta(seconds=5), "channel": channel}] * (1 + extra_reports)
    return {"_id": cid, "category": category, "severity": severity, "status": status, "department_code": department,
            "department_name": department and department.upper(), "opened_at": opened, "closed_at": closed,
            "deadline_at": opened + timedelta(hours=deadline_h),
            "reminder_at": opened + timedelta(hours=reminder_h) if reminder_h is not None else None,
            "escalated_to": {"code": "up"} if escalated else None, "reports": reports}


def test_daily_period_is_the_local_day_and_due_at_15_the_day_after() -> None:
    p = daily(DAY, TZ)
    assert p.start == datetime(2026, 5, 10, 16, 0, tzinfo=UTC) and p.end - p.start == timedelta(days=1)
    assert p.due_at == datetime(2026, 5, 12, 15, 0, tzinfo=TZ)


def test_monthly_period_wraps_the_year_and_previous_month_is_last_calendar_month() -> None:
    assert monthly(2026, 12, TZ).end == datetime(2027, 1, 1, tzinfo=TZ)
    assert previous_month(datetime(2026, 3, 1, 0, 30, tzinfo=TZ), TZ) == (2026, 2)
    assert previous_month(datetime(2026, 1, 20, tzinfo=TZ), TZ) == (2025, 12)


def test_day_figures_count_reports_cases_departments_and_on_time_closing() -> None:
    cases = [
        case("c1", opened=T0, channel="web", extra_reports=2),  # 3 reports, still open
        case("c2", opened=T0 + timedelta(hours=1), severity="major", category="terror_violence", department="nn-police",
             channel="miniprogram", status="closed", closed=T0 + timedelta(hours=1, minutes=30), deadline_h=2),
        case("c3", opened=T0 - timedelta(days=5), status="closed", closed=T0 + timedelta(hours=2), deadline_h=24),  # late
        case("c4", opened=T0 - timedelta(days=4), deadline_h=1),  # open, overdue, opened before the day
        case("c5", opened=T0 + timedelta(hours=2), department=None, status="transferred", channel="platform"),
    ]
    stats = summarize(cases, daily(DAY, TZ), now=T0 + timedelta(days=3))
    assert stats.reports.total == 5
    assert stats.reports.by_channel["web"] == 3 and stats.reports.by_channel["miniprogram"] == 1
    assert stats.reports.by_category["terror_violence"] == 1 and stats.reports.by_category["gambling"] == 0
    assert stats.cases_opened == 3 and stats.cases_transferred == 1 and stats.cases_closed == 2
    assert stats.closed_within_deadline == 1 and stats.closed_within_deadline_share == 0.5
    assert stats.open_at_end == 2 and stats.overdue_at_end == 1  # c1 is open, c4 overdue
    assert [c.case_id for c in stats.major_and_emergency] == ["c2"]
    lines = {d.department_code: d for d in stats.departments}
    assert lines["nn-a"].opened == 1 and lines["nn-a"].closed == 1 and lines["nn-a"].closed_within_deadline == 0
    assert lines["nn-police"].closed_within_deadline == 1
    assert stats.rumors_rebutted == 0


def test_a_running_period_is_measured_as_of_now() -> None:
    stats = summarize([case("c1", opened=T0, deadline_h=1)], daily(DAY, TZ), now=T0 + timedelta(hours=2))
    assert stats.as_of == T0 + timedelta(hours=2) and stats.overdue_at_end == 1


def test_nothing_closed_gives_no_share_rather_than_a_false_zero() -> None:
    assert summarize([], daily(DAY, TZ), now=T0).closed_within_deadline_share is None


def test_csv_is_long_format_with_every_category_and_chinese_names() -> None:
    stats = summarize([case("c1", opened=T0)], daily(DAY, TZ), now=T0 + timedelta(days=2), rumors_rebutted=3)
    rows = list(csv.DictReader(io.StringIO(to_csv(stats))))
    assert rows[0].keys() == {"section", "key", "name", "measure", "value"}
    by = {(r["section"], r["key"], r["measure"]): r for r in rows}
    assert by[("reports", "fraud", "by_category")]["value"] == "1" and by[("reports", "fraud", "by_category")]["name"] == "诈骗"
    assert by[("reports", "rumor", "by_category")]["value"] == "0"
    assert by[("department", "nn-a", "open_at_end")]["value"] == "1"
    assert by[("rumors", "all", "rebutted")]["value"] == "3"


def test_census_counts_due_soon_escalated_and_closed_with_zeros_for_quiet_departments() -> None:
    now = T0 + timedelta(hours=60)
    census = count([
        case("c1", opened=T0, reminder_h=54),  # past its reminder, before its deadline: due soon
        case("c2", opened=T0, deadline_h=10, escalated=True),  # overdue and escalated
        case("c3", opened=T0, department="nn-b", status="closed", closed=now - timedelta(hours=1), deadline_h=72),
        case("c4", opened=T0 - timedelta(days=9), department="nn-b", status="closed", closed=now - timedelta(days=3), deadline_h=1),
    ], now)
    assert census.due_soon == {"nn-a": 1, "nn-b": 0}
    assert census.escalated == {"nn-a": 1, "nn-b": 0}
    assert census.closed[("nn-b", "24h", "true")] == 1 and census.closed[("nn-b", "30d", "false")] == 1
    assert census.closed[("nn-b", "24h", "false")] == 0 and census.closed[("nn-a", "30d", "true")] == 0

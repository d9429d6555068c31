"""Pure: the duty log (值班日志) of a shift, drafted by the system from its own state at the
end of the shift for the 09:00 handover (交接班): reports received by category and severity,
cases dispatched, closed, overdue and escalated, rumor alerts and rebuttals, the pages and who
acknowledged them, the open cases due in the next shift, and the morning digest. The outgoing
staff add notes (unfinished work, things to watch); the incoming A acknowledges it.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from libs.common.events import DutyPageKind
from services.dispatch.chase import DepartmentDigest, DigestItem, OpenCase, morning_digest
from services.dispatch.deadlines import DeadlinePolicy, local_day
from services.dispatch.duty.paging import Page
from services.dispatch.duty.policy import LEVEL_ZH, DutyPolicy
from services.dispatch.duty.roster import Shift, Slot
from services.dispatch.statistics.compute import Statistics, summarize
from services.dispatch.statistics.period import shift as shift_period


class PageLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_id: str
    kind: DutyPageKind
    title: str
    opened_at: datetime
    paged: list[str]  # "A角 zhang", "B角 li", … in order
    status: str
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


class Note(BaseModel):
    model_config = ConfigDict(frozen=True)

    by: str
    at: datetime
    text: str = Field(max_length=4000)


class DutyLog(BaseModel):
    """One shift's log as stored (the `_id` is the shift id)."""

    shift_id: str
    starts_at: datetime
    ends_at: datetime
    a: str | None = None
    b: str | None = None
    leader: str | None = None
    checkins: dict[str, datetime] = Field(default_factory=dict)
    drafted_at: datetime
    statistics: Statistics
    escalated: int
    rumor_alerts: int
    rebuttals_published: int
    pages: list[PageLine]
    due_next_shift: list[DigestItem]
    digest: list[DepartmentDigest]
    notes: list[Note] = Field(default_factory=list)
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


def page_line(page: Page) -> PageLine:
    return PageLine(page_id=page.page_id, kind=page.kind, title=page.title, opened_at=page.opened_at,
                    paged=[f"{LEVEL_ZH[n.level]} {n.person or '（无人）'}" for n in page.notices], status=page.status,
                    acknowledged_by=page.acknowledged_by, acknowledged_at=page.acknowledged_at)


def draft(shift: Shift, following: Slot, *, cases: list[dict[str, Any]], open_cases: Iterable[OpenCase],
          pages: Iterable[Page], rebuttals_published: int, now: datetime, duty: DutyPolicy,
          deadlines: DeadlinePolicy) -> DutyLog:
    """`cases`: the statistics' projection of the cases touching the shift; `open_cases`: the
    chase's view of every open case; `pages`: those opened during the shift."""
    period = shift_period(shift.shift_id, shift.starts_at, shift.ends_at, duty.tz)
    stats = summarize(cases, period, now, rumors_rebutted=rebuttals_published)
    pages = sorted(pages, key=lambda p: p.opened_at)
    open_cases = list(open_cases)
    due = sorted((DigestItem(case_id=c.case_id, severity=c.severity, deadline_at=c.deadline_at, handler=c.department.code)
                  for c in open_cases if c.deadline_at < following.ends_at), key=lambda i: i.deadline_at)
    escalated = sum(1 for c in cases if (at := c.get("escalated_at")) and shift.starts_at <= at < shift.ends_at)
    return DutyLog(shift_id=shift.shift_id, starts_at=shift.starts_at, ends_at=shift.ends_at, a=shift.a, b=shift.b,
                   leader=shift.leader, checkins=dict(shift.checkins), drafted_at=now, statistics=stats,
                   escalated=escalated, rumor_alerts=sum(p.kind == "rumor_alert" for p in pages),
                   rebuttals_published=rebuttals_published, pages=[page_line(p) for p in pages], due_next_shift=due,
                   digest=morning_digest(open_cases, local_day(shift.ends_at, deadlines), deadlines))


def handover_overdue(log: DutyLog, now: datetime, policy: DutyPolicy) -> bool:
    return log.acknowledged_at is None and now >= log.ends_at + timedelta(minutes=policy.handover_ack_minutes)


def may_acknowledge(log: DutyLog, incoming: Shift | None, who: str, is_admin: bool) -> None:
    """The incoming shift's A acknowledges (its B when there is no A); the leader or an admin may stand in."""
    if log.acknowledged_at is not None:
        raise ValueError("该值班日志已确认交接")
    allowed = {incoming.a or incoming.b, incoming.leader} if incoming else set()
    if who not in allowed - {None} and not is_admin:
        raise ValueError("只有接班的 A角（或带班领导）可以确认交接")


def may_add_note(log_shift: Shift, who: str, is_admin: bool) -> None:
    if who not in {log_shift.a, log_shift.b, log_shift.leader} - {None} and not is_admin:
        raise ValueError("只有交班人员可以填写值班日志")

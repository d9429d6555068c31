"""Pure: pages to the staff on duty (值班呼叫) and their escalation, as an on-call system's
escalation policy: the first level is paged; not acknowledged within its minutes, the next
level is; the last level keeps the page until someone acknowledges or resolves it.

What pages: a `major`/`emergency` case (opened or raised to it), an overdue `important`
case, a rumor alert, a media channel whose deliveries end in its DLQ, a shift nobody
checked in to, a handover not acknowledged. Every page has a deterministic id from what it
is about, so a redelivered event or a second instance opens it once; every step is a
`DutyPage` event with a deterministic id too.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from libs.common.events import CaseEvent, DutyPage, DutyPageKind, DutyPageStep, RumorEvent, derive_event_id
from libs.common.vocabulary import Severity
from services.dispatch.duty.policy import LEVEL_ZH, DutyPolicy, Level
from services.dispatch.duty.roster import Shift, Slot

PageStatus = Literal["open", "acknowledged", "resolved"]
SEVERITY_ZH = {"major": "重大", "emergency": "突发", "important": "重要", "difficult": "疑难", "general": "一般"}


class PageTrigger(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_id: str
    kind: DutyPageKind
    subject: str
    title: str
    severity: Severity | None = None
    first_level: Level = "a"


class Notice(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: Level
    person: str | None  # None: the roster has nobody at this level
    at: datetime


class Page(BaseModel):
    """A page as stored (the `_id` is the page id)."""

    model_config = ConfigDict(frozen=True)

    page_id: str
    kind: DutyPageKind
    subject: str
    title: str
    severity: Severity | None = None
    shift_id: str
    opened_at: datetime
    level: Level
    person: str | None
    escalate_at: datetime | None  # None on the last level, or once acknowledged
    status: PageStatus = "open"
    notices: list[Notice] = Field(default_factory=list)
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


def _page_id(subject: str, purpose: str) -> str:
    return derive_event_id(subject, f"duty-page:{purpose}")


def trigger_for_case(event: CaseEvent, policy: DutyPolicy) -> PageTrigger | None:
    on, severity = policy.page_on, event.severity
    if event.kind in ("dispatched", "severity_raised") and severity in on.case_severities:
        # One page per case and severity: a repeat or a later raise to the same level pages nobody again.
        return PageTrigger(page_id=_page_id(event.case_id, f"urgent:{severity}"), kind="urgent_case",
                           subject=event.case_id, severity=severity,
                           title=f"{SEVERITY_ZH[severity]}案件 {event.case_id}：{event.detail}"[:500])
    if event.kind == "overdue" and severity in on.overdue_severities:
        deadline = str(event.data.get("deadline_at") or "")
        return PageTrigger(page_id=_page_id(event.case_id, f"overdue:{deadline}"), kind="overdue_case",
                           subject=event.case_id, severity=severity,
                           title=f"{SEVERITY_ZH[severity]}案件 {event.case_id} 已超期（{event.department_code}）"[:500])
    return None


def trigger_for_rumor(event: RumorEvent, policy: DutyPolicy) -> PageTrigger | None:
    on = policy.page_on
    if event.kind == "alert" and on.rumor_alert:
        return PageTrigger(page_id=_page_id(event.claim_id, f"alert:{event.event_id}"), kind="rumor_alert",
                           subject=event.claim_id, title=f"谣言预警 {event.claim_id}：{event.detail}"[:500])
    if event.kind == "delivery_failed" and on.channel_down and event.channel:
        # A channel that stays down pages once a local day, however many deliveries fail.
        day = event.occurred_at.astimezone(policy.tz).date().isoformat()
        return PageTrigger(page_id=_page_id(event.channel, f"channel-down:{day}"), kind="channel_down",
                           subject=event.channel, title=f"媒体渠道 {event.channel} 投递失败：{event.detail}"[:500])
    return None


def trigger_no_checkin(shift: Shift) -> PageTrigger:
    return PageTrigger(page_id=_page_id(shift.shift_id, "no-checkin"), kind="no_checkin", subject=shift.shift_id,
                       title=f"班次 {shift.shift_id} 开始后无人到岗打卡", first_level="leader")


def trigger_handover(shift_id: str) -> PageTrigger:
    return PageTrigger(page_id=_page_id(shift_id, "handover"), kind="handover_unacknowledged", subject=shift_id,
                       title=f"班次 {shift_id} 的值班日志未按时交接确认", first_level="leader")


def _target(shift: Shift | None, level: Level, policy: DutyPolicy) -> tuple[Level, str | None]:
    """`level`, or the next one with somebody on the roster (an empty level is skipped, so
    a page never waits on nobody); the last level when nobody is anywhere."""
    current: Level | None = level
    while current is not None:
        person = shift.person(current) if shift else None
        if person:
            return current, person
        step = policy.step_after(current)
        current = step.level if step else None
    return policy.escalation[-1].level, None


def _escalate_at(level: Level, at: datetime, policy: DutyPolicy) -> datetime | None:
    if policy.step_after(level) is None:
        return None
    return at + timedelta(minutes=policy.minutes_at(level))


def open_page(trigger: PageTrigger, slot: Slot, shift: Shift | None, now: datetime, policy: DutyPolicy) -> Page:
    level, person = _target(shift, trigger.first_level, policy)
    return Page(page_id=trigger.page_id, kind=trigger.kind, subject=trigger.subject, title=trigger.title,
                severity=trigger.severity, shift_id=slot.shift_id, opened_at=now, level=level, person=person,
                escalate_at=_escalate_at(level, now, policy), notices=[Notice(level=level, person=person, at=now)])


def escalation_due(page: Page, now: datetime) -> bool:
    return page.status == "open" and page.escalate_at is not None and page.escalate_at <= now


def escalate(page: Page, shift: Shift | None, now: datetime, policy: DutyPolicy) -> Page | None:
    """The next level, from the roster as it is now (an approved swap changes who is paged)."""
    if not escalation_due(page, now):
        return None
    step = policy.step_after(page.level)
    if step is None:
        return None
    level, person = _target(shift, step.level, policy)
    return page.model_copy(update={"level": level, "person": person, "escalate_at": _escalate_at(level, now, policy),
                                   "notices": [*page.notices, Notice(level=level, person=person, at=now)]})


class PageClosed(ValueError):
    pass


def acknowledge(page: Page, who: str, now: datetime) -> Page:
    if page.status != "open":
        raise PageClosed("该呼叫已确认或已处理")
    return page.model_copy(update={"status": "acknowledged", "acknowledged_by": who, "acknowledged_at": now,
                                   "escalate_at": None})


def resolve(page: Page, who: str, now: datetime) -> Page:
    if page.status == "resolved":
        raise PageClosed("该呼叫已处理")
    ack = {} if page.acknowledged_by else {"acknowledged_by": who, "acknowledged_at": now}
    return page.model_copy(update={"status": "resolved", "resolved_by": who, "resolved_at": now, "escalate_at": None,
                                   **ack})


def step_event(page: Page, step: DutyPageStep, now: datetime) -> DutyPage:
    """The `duty.pages` event of one step; its id is the page's, the step's and the level's."""
    person = {"acknowledged": page.acknowledged_by, "resolved": page.resolved_by}.get(step, page.person)
    return DutyPage(event_id=derive_event_id(page.page_id, f"{step}:{page.level}"), occurred_at=now,
                    page_id=page.page_id, kind=page.kind, step=step, level=page.level, person=person,
                    shift_id=page.shift_id, subject=page.subject, severity=page.severity, title=page.title)


def describe(page: Page) -> str:
    who = page.person or "（无人排班）"
    return f"{LEVEL_ZH[page.level]} {who}"

"""Chasing open cases: reminders (催办), supervision (督办), escalation, the 09:00 digest.

Pure: the scheduler calls `chases_for(case, now, ...)` for each case its queue says is due,
then `next_due` for when to look again, and `morning_digest(cases, day, ...)`, with its own
clock, and carries out what they return. Every action has a deterministic id,
so a tick that runs twice (or a restarted scheduler) plans the same ids and the consumer
of cases.events drops the duplicates.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from libs.common.events import DepartmentRef, derive_event_id
from libs.common.vocabulary import Severity
from services.dispatch.deadlines import DeadlinePolicy, digest_time_on, reminder_at
from services.dispatch.directory import Directory

ChaseKind = Literal["reminder", "overdue", "escalated"]
CITY_TOP_KINDS = ("cac", "emergency_center", "report_center")  # overdue here: leadership


class OpenCase(BaseModel):
    """What the scheduler knows of a case not yet handled."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    department: DepartmentRef  # current handler
    severity: Severity
    dispatched_at: datetime  # to the current handler
    deadline_at: datetime
    reminded: bool = False  # 催办 sent for this deadline
    overdue_notified: bool = False  # 督办 issued for this deadline
    escalated_to: DepartmentRef | None = None  # the level above, once escalated


class ChaseAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    action_id: str
    case_id: str
    kind: ChaseKind
    department: DepartmentRef  # the handler being chased
    to_department: DepartmentRef | None = None  # escalated: the level above that takes over
    severity: Severity
    due_at: datetime  # when the action became due
    deadline_at: datetime
    detail: str = ""


def next_escalation_level(department: DepartmentRef | str,
                          directory: Directory) -> DepartmentRef | None:
    """One level up (督办/升级): township → county CAC, county department → the city's of the
    same kind (else the city CAC), city department → city CAC, CAC → leadership; None at the top.
    A platform (平台处置) is supervised by the city CAC, which oversees the platforms."""
    code = department if isinstance(department, str) else department.code
    if code not in directory.department_unit:  # a platform, or a handler since removed from the directory
        return directory.city_department("cac")
    kind = directory.department(code).kind
    unit = directory.unit_of(code)
    if kind == "leadership":
        return None
    if unit.level == "city":
        return directory.city_department("leadership" if kind in CITY_TOP_KINDS else "cac")
    wanted = "cac" if kind == "township_office" or unit.zone else kind
    for above in directory.unit_chain(unit.code)[1:]:
        if above.level == "township":
            continue  # a zone's or township's superior is the county
        found = directory.department_of_kind(above.code, wanted) or \
            directory.department_of_kind(above.code, "cac")
        if found is not None:
            return found.ref()
    return directory.city_department("cac")


def plan_chases(cases: Iterable[OpenCase], now: datetime, policy: DeadlinePolicy, *,
                directory: Directory) -> list[ChaseAction]:
    """Everything due at `now` and not done yet, in case order."""
    actions: list[ChaseAction] = []
    for case in cases:
        actions += chases_for(case, now, policy, directory)
    return actions


def after(case: OpenCase, actions: Iterable[ChaseAction]) -> OpenCase:
    """The case as it stands once `actions` are done (by this scheduler or another)."""
    done: dict[str, object] = {}
    for action in actions:
        if action.kind == "reminder":
            done["reminded"] = True
        elif action.kind == "overdue":
            done["overdue_notified"] = True
        elif action.to_department is not None:
            done["escalated_to"] = action.to_department
    return case.model_copy(update=done)


def next_due(case: OpenCase, now: datetime, policy: DeadlinePolicy, *,
             directory: Directory) -> datetime | None:
    """The earliest time after which `chases_for` has something to do for the case, or None
    when nothing is left (reminded or past it, supervised and escalated as far as it goes)."""
    times = []
    if not case.reminded and now < case.deadline_at:
        times.append(min(reminder_at(case.severity, case.dispatched_at, policy), case.deadline_at))
    if not case.overdue_notified or (case.escalated_to is None
                                     and next_escalation_level(case.department, directory) is not None):
        times.append(case.deadline_at)
    return min(times, default=None)


def chases_for(case: OpenCase, now: datetime, policy: DeadlinePolicy,
               directory: Directory) -> list[ChaseAction]:
    if now >= case.deadline_at:
        return _overdue(case, policy, directory)
    remind_at = min(reminder_at(case.severity, case.dispatched_at, policy), case.deadline_at)
    if not case.reminded and now >= remind_at:
        return [_action(case, "reminder", remind_at,
                        f"催办: due at {case.deadline_at.astimezone(policy.tz):%Y-%m-%d %H:%M}")]
    return []


def _overdue(case: OpenCase, policy: DeadlinePolicy, directory: Directory) -> list[ChaseAction]:
    """Past the deadline: supervise (督办) and hand the case one level up, once each."""
    actions = []
    upper = next_escalation_level(case.department, directory)
    if not case.overdue_notified:
        actions.append(_action(case, "overdue", case.deadline_at, "督办: deadline passed",
                               to=upper))
    if case.escalated_to is None and upper is not None:
        actions.append(_action(case, "escalated", case.deadline_at,
                               f"escalated to {upper.code}", to=upper))
    return actions


def _action(case: OpenCase, kind: ChaseKind, due_at: datetime, detail: str,
            to: DepartmentRef | None = None) -> ChaseAction:
    purpose = f"{kind}:{case.department.code}:{case.deadline_at.isoformat()}"
    return ChaseAction(action_id=derive_event_id(case.case_id, purpose), case_id=case.case_id,
                       kind=kind, department=case.department, to_department=to,
                       severity=case.severity, due_at=due_at, deadline_at=case.deadline_at,
                       detail=detail)


class DigestItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    severity: Severity
    deadline_at: datetime
    handler: str  # department code of the current handler


class DepartmentDigest(BaseModel):
    """交接班: one department's cases due today and those already overdue."""

    model_config = ConfigDict(frozen=True)

    department: DepartmentRef
    day: date
    due_today: list[DigestItem] = Field(default_factory=list)
    overdue: list[DigestItem] = Field(default_factory=list)


def morning_digest(cases: Iterable[OpenCase], day: date,
                   policy: DeadlinePolicy) -> list[DepartmentDigest]:
    """Per department: cases due later `day` (local) and cases overdue at the digest time.
    An escalated case also shows in its supervisor's digest, so none stays unseen."""
    at = digest_time_on(day, policy)
    day_end = at.replace(hour=0, minute=0) + timedelta(days=1)
    departments: dict[str, DepartmentRef] = {}
    buckets: dict[tuple[str, str], list[DigestItem]] = {}
    for case in cases:
        if case.deadline_at >= day_end:
            continue
        item = DigestItem(case_id=case.case_id, severity=case.severity,
                          deadline_at=case.deadline_at, handler=case.department.code)
        bucket = "overdue" if case.deadline_at < at else "due_today"
        for department in filter(None, (case.department, case.escalated_to)):
            departments.setdefault(department.code, department)
            buckets.setdefault((department.code, bucket), []).append(item)
    return [DepartmentDigest(department=departments[code], day=day,
                             due_today=buckets.get((code, "due_today"), []),
                             overdue=buckets.get((code, "overdue"), []))
            for code in sorted(departments)]

"""Pure: a new round for a case (re-routed after a refusal, reopened after a re-check) and a
severity raise by a later report, each as the `$set` to store and the events it produces.

A new round (dispatch_no + 1) has a new handler or a new start, a new deadline and its own
reminders; answers to earlier rounds are stale from then on (answers.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.common.topics import CASES_EVENTS, REPORTS_REPLIES
from libs.common.vocabulary import Severity
from services.dispatch import announce, casefile
from services.dispatch.announce import Outgoing
from services.dispatch.deadlines import DeadlinePolicy
from services.dispatch.decide import RaiseDecision
from services.dispatch.takedown.platforms import TakedownPlan

Change = tuple[dict[str, Any], Outgoing]


def new_round(case: dict[str, Any], plan: TakedownPlan, *, severity: Severity, parent: str, now: datetime,
              deadlines: DeadlinePolicy, kind: str, detail: str, with_co: bool = False, **data: Any) -> Change:
    """Hand the case to `plan`'s handler as a new round. A reopened case asks its platforms
    again; a re-routed one does not repeat a request already made."""
    change = casefile.redispatch(case, plan, severity=severity, now=now, deadlines=deadlines)
    updated = case | change
    skip = [] if kind == "reopened" else case.get("takedown_platforms", [])
    events = announce.handover(parent, updated, plan, now, with_co=with_co, skip_platforms=skip)
    events.append((announce.case_event(parent, updated, kind, detail, now, from_department=case["department_code"],
                                       needs_human=plan.route.needs_human, round=updated["dispatch_no"], **data),
                   CASES_EVENTS))
    return change, events


def raise_case(case: dict[str, Any], raised: RaiseDecision, *, parent: str, report_id: str, now: datetime,
               deadlines: DeadlinePolicy) -> Change:
    """A more severe report raises the case: a new handler or a closed case makes a new round;
    the same handler is told the new severity and the (earlier) deadline in the same round."""
    detail, previous = raised.reason, raised.previous
    if raised.plan is None:  # transferred: the receiving center has it, the raise is noted
        change: dict[str, Any] = {"severity": raised.severity}
        updated = case | change
        return change, [(announce.case_event(parent, updated, "severity_raised", detail, now, previous=previous), CASES_EVENTS),
                        (announce.joined_reply(parent, report_id, updated, now), REPORTS_REPLIES)]
    relabel = {"category": raised.category, "zone": raised.zone}
    case = case | relabel
    reopen = case["status"] == casefile.CLOSED
    if raised.new_handler or reopen:
        change, events = new_round(case, raised.plan, severity=raised.severity, parent=parent, now=now, deadlines=deadlines,
                                   kind="reopened" if reopen else "rerouted", detail=detail, with_co=True)
    else:
        change = casefile.tighten(case, severity=raised.severity, now=now, deadlines=deadlines)
        events = announce.handover(parent, case | change, raised.plan, now, with_co=False,
                                   skip_platforms=case.get("takedown_platforms", []))
    change = relabel | change
    updated = case | change
    events.append((announce.case_event(parent, updated, "severity_raised", detail, now, previous=previous), CASES_EVENTS))
    if raised.plan.route.upward_report and previous != "major":
        events.append((announce.case_event(parent, updated, "upward_report", "重大: 向上级网信部门报告", now), CASES_EVENTS))
    events.append((announce.joined_reply(parent, report_id, updated, now), REPORTS_REPLIES))
    return change, events

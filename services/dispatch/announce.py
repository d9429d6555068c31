"""Pure: which events a dispatch decision, a department's answer or a chase action produces.

Event ids derive from the input event's id, so a redelivered input produces the same ids
and every consumer downstream skips the repeat.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from libs.common.events import (
    CaseDispatched, CaseEvent, CaseTransferred, DepartmentRef, Event, ReporterReply,
    ReportTriaged, TakedownRequested, derive_event_id,
)
from libs.common.topics import CASES_EVENTS, CASES_TAKEDOWN, CASES_TRANSFERRED, REPORTS_REPLIES, dispatch_topic
from services.dispatch import replies
from services.dispatch.decide import DispatchDecision
from services.dispatch.takedown.platforms import Takedown, TakedownPlan, is_platform

Outgoing = list[tuple[Event, str]]


def dispatched_to(case: dict[str, Any], department: DepartmentRef, *, role: str, event_id: str, now: datetime) -> CaseDispatched:
    return CaseDispatched(
        event_id=event_id, occurred_at=now, case_id=case["_id"], dispatch_no=case["dispatch_no"],
        role=role, department=department, division=case["division"], category=case["category"],
        zone=case.get("zone"), severity=case["severity"], deadline_at=case["deadline_at"],
        summary=case["summary"], report_ids=[r["report_id"] for r in case["reports"]],
        target_urls=case.get("target_urls", []), target_account=case.get("target_account"),
        reporter_pids=sorted({r["reporter_pid"] for r in case["reports"] if r.get("reporter_pid")}),
        reasons=case.get("reasons", []),
    )


def takedown_request(case: dict[str, Any], takedown: Takedown, *, event_id: str, now: datetime) -> TakedownRequested:
    return TakedownRequested(
        event_id=event_id, occurred_at=now, case_id=case["_id"], dispatch_no=case["dispatch_no"],
        platform_id=takedown.platform.id, role=takedown.role, category=case["category"],
        severity=case["severity"], deadline_at=case["deadline_at"], summary=case["summary"],
        target_urls=takedown.urls, target_account=case.get("target_account"),
    )


def handover(parent: str, case: dict[str, Any], plan: TakedownPlan, now: datetime, *,
             with_co: bool, skip_platforms: Iterable[str] = ()) -> Outgoing:
    """The case to its handler (a department's topic, or a platform's takedown request), to
    the co-departments if asked, and to the platforms asked to remove the content."""
    out: Outgoing = []
    handler = plan.route.department
    if handler is not None and not is_platform(handler.code):
        out.append((dispatched_to(case, handler, role="handler", event_id=derive_event_id(parent, "dispatched"), now=now),
                    dispatch_topic(handler.code)))
    for co in plan.route.co_departments if with_co else []:
        out.append((dispatched_to(case, co, role="co", event_id=derive_event_id(parent, f"co:{co.code}"), now=now),
                    dispatch_topic(co.code)))
    skip = set(skip_platforms)
    return out + takedowns(parent, case, [t for t in plan.takedowns if t.role == "handler" or t.platform.code not in skip], now)


def takedowns(parent: str, case: dict[str, Any], asked: Iterable[Takedown], now: datetime) -> Outgoing:
    """Takedown requests (relayed to cases.takedown, sent as signed callbacks) and their notes."""
    out: Outgoing = []
    for takedown in asked:
        event = takedown_request(case, takedown, event_id=derive_event_id(parent, f"takedown:{takedown.platform.id}"), now=now)
        out.append((event, CASES_TAKEDOWN))
        out.append((case_event(parent, case, "takedown_requested", f"{takedown.platform.name}: {takedown.role}", now,
                               platform=takedown.platform.code, role=takedown.role, request_id=event.event_id), CASES_EVENTS))
    return out


def new_case_events(case: dict[str, Any], decision: DispatchDecision, triaged: ReportTriaged, now: datetime) -> Outgoing:
    parent, route = triaged.event_id, decision.route
    report_id = triaged.report.report_id
    if route.transfer_to:
        transfer = CaseTransferred(
            event_id=derive_event_id(parent, "transferred"), occurred_at=now, case_id=case["_id"],
            to_city=route.transfer_to, division_code=case["division"]["code"], category=case["category"],
            severity=case["severity"], summary=case["summary"], report_ids=[report_id],
        )
        note = replies.transferred(route.transfer_to, route.transfer_center)
        return [
            (transfer, CASES_TRANSFERRED),
            (case_event(parent, case, "transferred", route.transfer_to, now), CASES_EVENTS),
            (reply(parent, report_id, case["_id"], "transferred", note, "transferred", now), REPORTS_REPLIES),
        ]
    out = handover(parent, case, decision.plan, now, with_co=True)
    out.append((case_event(parent, case, "dispatched", route.reason, now), CASES_EVENTS))
    if route.upward_report:
        out.append((case_event(parent, case, "upward_report", "重大: 向上级网信部门报告", now), CASES_EVENTS))
    out.append((joined_reply(parent, report_id, case, now), REPORTS_REPLIES))
    return out


def joined_reply(parent: str, report_id: str, case: dict[str, Any], now: datetime) -> ReporterReply:
    """What a reporter whose report joins this case is told, by where the case stands."""
    if case["status"] == "closed":
        report = next((r for r in case["reports"] if r["report_id"] == report_id), {"report_id": report_id})
        text = replies.closed(case, report, result=case["result"] or "", handler=case.get("handler_name") or case["department_name"] or "",
                              removed=bool(case.get("recheck")), closed_at=case["closed_at"])
        return reply(parent, report_id, case["_id"], "closed", text, "closed", now)
    if case["status"] == "transferred":
        route = case["route"]
        text = replies.transferred(route["transfer_to"], route.get("transfer_center"))
        return reply(parent, report_id, case["_id"], "transferred", text, "transferred", now)
    return reply(parent, report_id, case["_id"], "dispatched", replies.dispatched(case), "dispatched", now)


def closing_replies(parent: str, case: dict[str, Any], *, result: str, handler: str, removed: bool, now: datetime,
                    rechecked: bool = False) -> Outgoing:
    """回复 to every reporter of the case, each with a full statement of reasons."""
    return [(reply(parent, r["report_id"], case["_id"], "closed",
                   replies.closed(case, r, result=result, handler=handler, removed=removed, closed_at=now,
                                  rechecked=rechecked), "closed", now),
             REPORTS_REPLIES) for r in case["reports"]]


def reopened_replies(parent: str, case: dict[str, Any], handler: str, now: datetime) -> Outgoing:
    text = replies.reopened(case, handler)
    return [(reply(parent, r["report_id"], case["_id"], "dispatched", text, "dispatched", now), REPORTS_REPLIES)
            for r in case["reports"]]


def case_event(parent: str, case: dict[str, Any], kind: str, detail: str, now: datetime, **data: Any) -> CaseEvent:
    purpose = f"case-event:{kind}" + (f":{data['platform']}" if "platform" in data else "")
    return CaseEvent(
        event_id=derive_event_id(parent, purpose), occurred_at=now, case_id=case["_id"], kind=kind,
        department_code=case.get("department_code"), severity=case["severity"], detail=detail, data=data,
    )


def reply(parent: str, report_id: str, case_id: str, kind: str, text: str, status: str, now: datetime) -> ReporterReply:
    return ReporterReply(event_id=derive_event_id(parent, f"reply:{kind}:{report_id}"), occurred_at=now,
                         report_id=report_id, case_id=case_id, kind=kind, text=text, status=status)

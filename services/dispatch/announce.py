"""Pure: which events a dispatch decision, a department's answer or a chase action produces.

Event ids derive from the input event's id, so a redelivered input produces the same ids
and every consumer downstream skips the repeat.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.common.events import (
    CaseDispatched, CaseEvent, CaseTransferred, DepartmentRef, Event, ReporterReply,
    ReportTriaged, derive_event_id,
)
from libs.common.topics import CASES_EVENTS, CASES_TRANSFERRED, REPORTS_REPLIES, dispatch_topic
from libs.common.vocabulary import CATEGORY_ZH, SEVERITY_ZH
from services.dispatch.decide import DispatchDecision

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


def new_case_events(case: dict[str, Any], decision: DispatchDecision, triaged: ReportTriaged, now: datetime) -> Outgoing:
    parent, route = triaged.event_id, decision.route
    report_id = triaged.report.report_id
    if route.transfer_to:
        transfer = CaseTransferred(
            event_id=derive_event_id(parent, "transferred"), occurred_at=now, case_id=case["_id"],
            to_city=route.transfer_to, division_code=case["division"]["code"], category=case["category"],
            severity=case["severity"], summary=case["summary"], report_ids=[report_id],
        )
        note = f"您的举报涉及{route.transfer_to}，已移交{route.transfer_center or route.transfer_to + '网信部门'}依法处理。"
        return [
            (transfer, CASES_TRANSFERRED),
            (_case_event(parent, case, "transferred", route.transfer_to, now), CASES_EVENTS),
            (_reply(parent, report_id, case["_id"], "transferred", note, "transferred", now), REPORTS_REPLIES),
        ]
    out: Outgoing = [(dispatched_to(case, route.department, role="handler", event_id=derive_event_id(parent, "dispatched"), now=now),
                      dispatch_topic(route.department.code))]
    for co in route.co_departments:
        out.append((dispatched_to(case, co, role="co", event_id=derive_event_id(parent, f"co:{co.code}"), now=now), dispatch_topic(co.code)))
    out.append((_case_event(parent, case, "dispatched", route.reason, now), CASES_EVENTS))
    if route.upward_report:
        out.append((_case_event(parent, case, "upward_report", "重大: 向上级网信部门报告", now), CASES_EVENTS))
    out.append((joined_reply(parent, report_id, case, now), REPORTS_REPLIES))
    return out


def joined_reply(parent: str, report_id: str, case: dict[str, Any], now: datetime) -> ReporterReply:
    text = (f"您的举报已研判为{CATEGORY_ZH[case['category']]}类（{SEVERITY_ZH[case['severity']]}），"
            f"已转交{case['department_name'] or '承办部门'}办理。")
    return _reply(parent, report_id, case["_id"], "dispatched", text, "dispatched", now)


def closing_replies(parent: str, case: dict[str, Any], result: str, handler: str, now: datetime) -> Outgoing:
    """回复 with a statement of reasons: what was found, what was done, by whom, on which rule."""
    rule = "; ".join(r["detail"] for r in case.get("reasons", [])[:3] if r.get("detail"))
    text = (f"您举报的{CATEGORY_ZH[case['category']]}类线索已办结。处理结果：{result}。"
            f"承办单位：{handler}。研判依据：{rule or '分级处置规则'}。感谢您的监督。")
    return [(_reply(parent, r["report_id"], case["_id"], "closed", text, "closed", now), REPORTS_REPLIES) for r in case["reports"]]


def case_event(parent: str, case: dict[str, Any], kind: str, detail: str, now: datetime, **data: Any) -> CaseEvent:
    return _case_event(parent, case, kind, detail, now, **data)


def _case_event(parent: str, case: dict[str, Any], kind: str, detail: str, now: datetime, **data: Any) -> CaseEvent:
    return CaseEvent(
        event_id=derive_event_id(parent, f"case-event:{kind}"), occurred_at=now, case_id=case["_id"], kind=kind,
        department_code=case.get("department_code"), severity=case["severity"], detail=detail, data=data,
    )


def _reply(parent: str, report_id: str, case_id: str, kind: str, text: str, status: str, now: datetime) -> ReporterReply:
    return ReporterReply(event_id=derive_event_id(parent, f"reply:{kind}:{report_id}"), occurred_at=now,
                         report_id=report_id, case_id=case_id, kind=kind, text=text, status=status)

"""Pure: the stored shape of a dispatch case (案件) and the changes made to it.

Every change is a `$set` (and `$push`) document for ONE guarded update, so the handler and
the scheduler only add a guard and the events and hand it to the store.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from libs.common.events import ReportTriaged
from libs.common.vocabulary import Severity
from services.dispatch.chase import OpenCase
from services.dispatch.deadlines import DeadlinePolicy, deadline_at, reminder_at
from services.dispatch.decide import DispatchDecision
from services.dispatch.takedown.platforms import TakedownPlan

OPEN_STATUSES = ("dispatched", "accepted")
CLOSED = "closed"


def report_entry(triaged: ReportTriaged) -> dict[str, Any]:
    r = triaged.report
    return {"report_id": r.report_id, "tracking_no": r.tracking_no, "reporter_pid": r.reporter_pid,
            "platform_id": r.platform_id, "submitted_at": r.submitted_at, "channel": r.channel,
            "severity": triaged.decision.severity}


def new_case(triaged: ReportTriaged, decision: DispatchDecision, now: datetime) -> dict[str, Any]:
    report, verdict, route = triaged.report, triaged.decision, decision.plan.route
    department = route.department
    return {
        "_id": triaged.case.case_id,
        "status": "transferred" if route.transfer_to else "dispatched",
        "category": verdict.category, "zone": verdict.zone, "severity": verdict.severity,
        "division": decision.placement.division.model_dump(),
        # how the place was found (address, code, the report's own words) and the names read
        "place_basis": decision.placement.basis, "place_evidence": decision.placement.evidence,
        "route": route.model_dump(mode="json"),
        "department_code": department.code if department else None,
        "department_name": department.name if department else None,
        "transfer_to": route.transfer_to,
        "dispatch_no": 1,
        "reports": [report_entry(triaged)],
        "summary": report.text[:500],
        "target_urls": report.target_urls, "target_account": report.target_account,
        "takedown_platforms": [t.platform.code for t in decision.plan.takedowns], "removed_by": [],
        "reasons": [r.model_dump() for r in verdict.reasons][:10],
        "opened_at": now, "dispatched_at": now,
        "deadline_at": decision.deadline_at, "reminder_at": decision.reminder_at,
        "reminded": False, "overdue_notified": False, "escalated_to": None,
        "chase_done": [], "feedback_events": [], "result": None, "closed_at": None, "closed_by": None,
        "reopened": 0, "recheck": None, "history": [],
    }


def redispatch(case: dict[str, Any], plan: TakedownPlan, *, severity: Severity, now: datetime,
               deadlines: DeadlinePolicy) -> dict[str, Any]:
    """The `$set` handing the case to `plan.route`'s handler as a new round (dispatch_no + 1),
    after a refusal, a re-check that found the content still online, or a raised severity
    that changes the handling level. A new round has a new deadline and its own reminders."""
    route, department = plan.route, plan.route.department
    return {
        "route": route.model_dump(mode="json"), "status": "dispatched", "severity": severity,
        "dispatch_no": case["dispatch_no"] + 1,
        "department_code": department.code if department else None,
        "department_name": department.name if department else None,
        "dispatched_at": now, "deadline_at": deadline_at(severity, now, deadlines),
        "reminder_at": reminder_at(severity, now, deadlines),
        "reminded": False, "overdue_notified": False, "escalated_to": None,
        "takedown_platforms": sorted({*case.get("takedown_platforms", []), *(t.platform.code for t in plan.takedowns)}),
        "removed_by": [], "result": None, "closed_at": None, "closed_by": None, "recheck": None,
    }


def tighten(case: dict[str, Any], *, severity: Severity, now: datetime, deadlines: DeadlinePolicy) -> dict[str, Any]:
    """The `$set` raising the severity while the same handler keeps the case (same round): the
    deadline only gets earlier, never later."""
    due = deadline_at(severity, now, deadlines)
    if case.get("deadline_at") and case["deadline_at"] <= due:
        return {"severity": severity}
    return {"severity": severity, "deadline_at": due, "reminder_at": reminder_at(severity, now, deadlines),
            "reminded": False, "overdue_notified": False}


def closing(result: str, *, by: str, handler_name: str | None, now: datetime,
            recheck_id: str | None, recheck_urls: list[str], recheck_delay: timedelta) -> dict[str, Any]:
    """The `$set` closing a case (办结); with a removal claimed, the re-check it schedules."""
    change: dict[str, Any] = {"status": CLOSED, "result": result, "closed_at": now, "closed_by": by,
                              "handler_name": handler_name}
    if recheck_id and recheck_urls:  # else a platform's pending re-check, if any, stays
        change["recheck"] = recheck(recheck_id, recheck_urls, by, now + recheck_delay)
    return change


def recheck(recheck_id: str, urls: list[str], reported_by: str, at: datetime) -> dict[str, Any]:
    """A pending re-check (复查) of content said to be removed."""
    return {"id": recheck_id, "state": "pending", "at": at, "attempts": 0, "urls": urls, "reported_by": reported_by}


def chase_from(fields: dict[str, Any]) -> datetime | None:
    """When the chase must next look at a case, from the fields one write sets: a write that
    gives an open case a deadline (a new case, a new round, a raised severity) asks for its
    reminder time; any other write leaves the case's queue entry as it was."""
    if fields.get("deadline_at") is None or fields.get("status", "dispatched") not in OPEN_STATUSES:
        return None
    return min(t for t in (fields.get("reminder_at"), fields["deadline_at"]) if t is not None)


def recheck_from(fields: dict[str, Any]) -> datetime | None:
    """When the re-check must next look at a case, from the fields one write sets (a pending
    re-check scheduled, or a pending one moved to a later attempt)."""
    check = fields.get("recheck")
    if isinstance(check, dict) and check.get("state") == "pending":
        return check["at"]
    if "recheck.at" in fields and fields.get("recheck.state", "pending") == "pending":
        return fields["recheck.at"]
    return None


def open_case(doc: dict[str, Any]) -> OpenCase:
    route = doc["route"]
    return OpenCase(
        case_id=doc["_id"], department=route["department"], severity=doc["severity"],
        dispatched_at=doc["dispatched_at"], deadline_at=doc["deadline_at"], reminded=doc["reminded"],
        overdue_notified=doc["overdue_notified"], escalated_to=doc.get("escalated_to"),
    )


def reporter_ids(case: dict[str, Any]) -> list[str]:
    return [r["report_id"] for r in case["reports"]]

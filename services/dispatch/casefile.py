"""Pure: the stored shape of a dispatch case (案件) and the changes made to it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.common.events import ReportTriaged
from services.dispatch.chase import OpenCase
from services.dispatch.decide import DispatchDecision

OPEN_STATUSES = ("dispatched", "accepted")


def report_entry(triaged: ReportTriaged) -> dict[str, Any]:
    r = triaged.report
    return {"report_id": r.report_id, "reporter_pid": r.reporter_pid, "platform_id": r.platform_id,
            "submitted_at": r.submitted_at, "channel": r.channel}


def new_case(triaged: ReportTriaged, decision: DispatchDecision, now: datetime) -> dict[str, Any]:
    report, verdict, route = triaged.report, triaged.decision, decision.route
    department = route.department
    return {
        "_id": triaged.case.case_id,
        "status": "transferred" if route.transfer_to else "dispatched",
        "category": verdict.category, "zone": verdict.zone, "severity": verdict.severity,
        "division": decision.placement.division.model_dump(),
        "route": route.model_dump(mode="json"),
        "department_code": department.code if department else None,
        "department_name": department.name if department else None,
        "transfer_to": route.transfer_to,
        "dispatch_no": 1,
        "reports": [report_entry(triaged)],
        "summary": report.text[:500],
        "target_urls": report.target_urls, "target_account": report.target_account,
        "reasons": [r.model_dump() for r in verdict.reasons][:10],
        "opened_at": now, "dispatched_at": now,
        "deadline_at": decision.deadline_at, "reminder_at": decision.reminder_at,
        "reminded": False, "overdue_notified": False, "escalated_to": None,
        "chase_done": [], "feedback_events": [], "result": None, "closed_at": None,
    }


def open_case(doc: dict[str, Any]) -> OpenCase:
    route = doc["route"]
    return OpenCase(
        case_id=doc["_id"], department=route["department"], severity=doc["severity"],
        dispatched_at=doc["dispatched_at"], deadline_at=doc["deadline_at"], reminded=doc["reminded"],
        overdue_notified=doc["overdue_notified"], escalated_to=doc.get("escalated_to"),
    )

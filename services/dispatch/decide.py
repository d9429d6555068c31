"""One pure entry point for the dispatch handler: report + triage decision -> what to do.

`decide_dispatch` places the report, routes the case and sets its deadline and reminder
time, so the handler only parses, calls this, stores and publishes.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from libs.common.events import ReportContent, TriageDecision
from services.dispatch.deadlines import DeadlinePolicy, deadline_at, reminder_at
from services.dispatch.directory import Directory
from services.dispatch.places import Placement, resolve_place
from services.dispatch.routing import Route, RoutingPolicy, route


class DispatchDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    placement: Placement
    route: Route
    deadline_at: datetime | None = None  # None when not routed (invalid report)
    reminder_at: datetime | None = None


def decide_dispatch(report: ReportContent, decision: TriageDecision, *, now: datetime,
                    directory: Directory, routing: RoutingPolicy,
                    deadlines: DeadlinePolicy) -> DispatchDecision:
    placement = resolve_place(report.location, report.region_code, directory)
    result = route(placement, decision, directory=directory, policy=routing)
    if not result.routed:
        return DispatchDecision(placement=placement, route=result)
    return DispatchDecision(
        placement=placement, route=result,
        deadline_at=deadline_at(decision.severity, now, deadlines),
        reminder_at=reminder_at(decision.severity, now, deadlines),
    )

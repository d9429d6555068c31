"""Pure entry points for the dispatch handlers: what to do with a triaged report.

`decide_dispatch` places a new case, routes it, asks the platform hosting its content and
sets its deadline; `decide_raise` says what a later report of HIGHER severity does to an
existing case (raise it; re-route when the handling level changes). The handlers only
parse, call these, store and publish.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from libs.common.events import ReportContent, TriageDecision
from libs.common.vocabulary import Category, Severity, Zone, severity_rank
from services.dispatch.deadlines import DeadlinePolicy, deadline_at, reminder_at
from services.dispatch.directory import Directory
from services.dispatch.directory.places import Placement, resolve_place
from services.dispatch.takedown.platforms import PlatformRegistry, TakedownPlan, plan_takedowns
from services.dispatch.routing import Route, RoutingPolicy, reroute, route


class DispatchDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    placement: Placement
    plan: TakedownPlan  # the route (a platform may handle) and the platforms asked
    deadline_at: datetime | None = None  # None when not routed (invalid report)
    reminder_at: datetime | None = None

    @property
    def route(self) -> Route:
        return self.plan.route


def decide_dispatch(report: ReportContent, decision: TriageDecision, *, now: datetime,
                    directory: Directory, routing: RoutingPolicy, deadlines: DeadlinePolicy,
                    platforms: PlatformRegistry | None = None) -> DispatchDecision:
    placement = resolve_place(report.location, report.region_code, directory, text=report.text)
    result = route(placement, decision, directory=directory, policy=routing)
    plan = plan_takedowns(result, category=decision.category, urls=report.target_urls,
                          registry=platforms or PlatformRegistry())
    if not result.routed:
        return DispatchDecision(placement=placement, plan=plan)
    return DispatchDecision(
        placement=placement, plan=plan,
        deadline_at=deadline_at(decision.severity, now, deadlines),
        reminder_at=reminder_at(decision.severity, now, deadlines),
    )


class RaiseDecision(BaseModel):
    """A case raised to `severity` by a later report; `plan` is its route from now on."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    previous: Severity
    category: Category  # the raising report's: the industry department depends on it
    zone: Zone | None = None
    plan: TakedownPlan | None  # None: the case is another city's (transferred), only noted
    new_handler: bool = False  # the handling level changed: a new round for a new handler
    reason: str = ""


def decide_raise(case: dict[str, Any], decision: TriageDecision, *, directory: Directory,
                 routing: RoutingPolicy, platforms: PlatformRegistry) -> RaiseDecision | None:
    """None unless `decision` is more severe than the case. The raising report's category and
    zone come with its severity (the industry department depends on them); departments that
    refused the case stay refused; a case a person at the center holds (needs_human) stays
    there unless the new route goes higher (major: leadership)."""
    previous: Severity = case["severity"]
    if not decision.valid or severity_rank(decision.severity) <= severity_rank(previous):
        return None
    current = Route.model_validate(case["route"])
    if current.transfer_to:
        return RaiseDecision(severity=decision.severity, previous=previous, category=case["category"],
                             zone=case.get("zone"), plan=None,
                             reason="transferred: noted for the receiving center")
    placement = Placement(division=current.division, in_city=True)
    fresh = route(placement, decision, directory=directory, policy=routing)
    fresh = fresh.model_copy(update={"rejected_by": current.rejected_by})
    if fresh.department and fresh.department.code in current.rejected_by:
        fresh = reroute(fresh, set(), directory=directory, policy=routing)
    if current.needs_human and decision.severity != "major":
        fresh = current.model_copy(update={"severity": decision.severity})
    plan = plan_takedowns(fresh, category=decision.category, urls=case.get("target_urls", []), registry=platforms)
    handler = plan.route.department
    new_handler = handler is not None and handler.code != case["department_code"]
    return RaiseDecision(severity=decision.severity, previous=previous, category=decision.category,
                         zone=decision.zone, plan=plan, new_handler=new_handler,
                         reason=f"raised {previous} → {decision.severity} by a later report: {plan.route.reason}")

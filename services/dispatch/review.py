"""Pure: the operator's review (人工复核) of a case triage found difficult or was unsure of.

`needs_review` picks the cases for the queue; `review_change` turns the operator's category,
zone and severity into the case's change: a new handler when the corrected decision routes
elsewhere (a new round, re-routed), an earlier deadline when only the severity rose, else
only the new labels. `correction_line` is the labelled example the triage training command
takes in (`python -m services.triage.train --corrections`), so the classifier learns from
the center's own decisions.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.common.events import TriageDecision
from libs.common.topics import CASES_EVENTS
from libs.common.vocabulary import severity_rank
from services.dispatch import announce, casefile, rounds
from services.dispatch.deadlines import DeadlinePolicy
from services.dispatch.directory import Directory
from services.dispatch.directory.places import Placement
from services.dispatch.takedown.platforms import PlatformRegistry, plan_takedowns
from services.dispatch.routing import Route, RoutingPolicy, reroute, route

LOW_CONFIDENCE = 0.6  # the classifier's score for its category below this: a person looks


def model_score(case: dict[str, Any]) -> float | None:
    for reason in case.get("reasons", []):
        if reason.get("rule") == "model.category" and reason.get("score") is not None:
            return float(reason["score"])
    return None


def needs_review(case: dict[str, Any]) -> bool:
    if case.get("status") not in casefile.OPEN_STATUSES or case.get("reviewed"):
        return False
    score = model_score(case)
    return case.get("severity") == "difficult" or (score is not None and score < LOW_CONFIDENCE)


def review_change(case: dict[str, Any], corrected: TriageDecision, *, event_id: str, now: datetime,
                  directory: Directory, routing: RoutingPolicy, platforms: PlatformRegistry,
                  deadlines: DeadlinePolicy, by: str) -> rounds.Change:
    current = Route.model_validate(case["route"])
    fresh = route(Placement(division=current.division, in_city=True), corrected, directory=directory, policy=routing)
    fresh = fresh.model_copy(update={"rejected_by": current.rejected_by})
    if fresh.department and fresh.department.code in current.rejected_by:  # who refused it stays refused
        fresh = reroute(fresh, set(), directory=directory, policy=routing)
    plan = plan_takedowns(fresh, category=corrected.category, urls=case.get("target_urls", []), registry=platforms)
    relabel = {"category": corrected.category, "zone": corrected.zone, "reviewed": {"by": by, "at": now}}
    detail = (f"值班员复核（{by}）：{case['category']}/{case.get('zone') or '-'}/{case['severity']} → "
              f"{corrected.category}/{corrected.zone or '-'}/{corrected.severity}")
    handler = plan.route.department
    if handler is not None and handler.code != case["department_code"]:
        change, events = rounds.new_round(case | relabel, plan, severity=corrected.severity, parent=event_id, now=now,
                                          deadlines=deadlines, kind="rerouted", detail=detail, with_co=True)
        return relabel | change, events
    if severity_rank(corrected.severity) > severity_rank(case["severity"]):
        change = relabel | casefile.tighten(case, severity=corrected.severity, now=now, deadlines=deadlines)
        updated = case | change
        return change, [(announce.case_event(event_id, updated, "severity_raised", detail, now,
                                             previous=case["severity"]), CASES_EVENTS)]
    return relabel | {"severity": corrected.severity}, []


def correction_line(case: dict[str, Any], corrected: TriageDecision) -> dict[str, Any]:
    """The dev file's shape (services/triage/corpus.py): the text and its label."""
    return {"id": f"review-{case['_id']}", "text": case.get("summary", ""),
            "label": {"category": corrected.category, "zone": corrected.zone, "severity": corrected.severity,
                      "valid": corrected.valid},
            "previous": {"category": case.get("category"), "zone": case.get("zone"), "severity": case.get("severity")}}

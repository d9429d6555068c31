"""Dispatch's consumer of department and platform answers on cases.feedback (反馈):
accepted → 已受理; handled / removed → closed and replied to every reporter (removed: the
content is re-checked later); rejected as not ours → re-routed, twice → a person decides.

    parse -> load case -> judge (answers.py) -> guarded store with events -> relay
Whose answer counts, and when it is a repeat or too late, is decided in answers.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from libs.common.events import CaseFeedback, derive_event_id
from libs.common.logs import bind_case, get_logger
from libs.common.topics import CASES_EVENTS
from services.dispatch import announce, casefile, metrics, rounds
from services.dispatch.announce import Outgoing
from libs.common.consumer import PermanentError
from services.dispatch.context import DispatchContext
from services.dispatch.feedback_signature import is_signed_by_its_department
from services.dispatch.answers import Verdict, default_result, judge_answer
from services.dispatch.takedown.platforms import plan_takedowns
from services.dispatch.routing import Route, reroute
from services.dispatch.store import CaseChanged, require

log = get_logger(__name__)


@dataclass
class FeedbackHandler:
    """The consumer of cases.feedback (subscribed by app.py)."""

    ctx: DispatchContext

    async def on_feedback(self, feedback: CaseFeedback) -> None:
        await answer_signed(self.ctx, feedback)


async def answer_signed(d: DispatchContext, feedback: CaseFeedback) -> None:
    """Apply an answer signed with its department's key: the topic's way, and the desk's
    (pages/desk_answer.py), so neither can do what the other cannot."""
    if not is_signed_by_its_department(feedback, d.feedback_key):
        # Another party answering for a department: never applied, kept for a person to see.
        metrics.FEEDBACK.labels(action=feedback.action, outcome="forged").inc()
        log.warning("feedback_forged", department=feedback.department_code, case_id=feedback.case_id)
        raise PermanentError(f"an answer for {feedback.department_code} not signed with its key")
    await answer(d, feedback)


async def answer(d: DispatchContext, fb: CaseFeedback) -> None:
    bind_case(case_id=fb.case_id)
    case = require(await d.store.get(fb.case_id), fb.case_id)
    verdict = judge_answer(case, fb)
    if not verdict.applies:
        # A repeat, an answer to an earlier round, a former handler, a closed case: noted only.
        metrics.FEEDBACK.labels(action=fb.action, outcome=verdict.outcome).inc()
        log.info("feedback_not_applied", department=fb.department_code, action=fb.action,
                 outcome=verdict.outcome, reason=verdict.reason)
        return
    change, events = _decide(d, case, fb, verdict)
    guard = {"dispatch_no": case["dispatch_no"], "status": case["status"], "feedback_events": {"$ne": fb.event_id}}
    change.setdefault("$push", {})["feedback_events"] = fb.event_id
    if not await d.store.apply(case["_id"], guard, change, events):
        raise CaseChanged(case["_id"])  # moved meanwhile: the consumer retries and judges again
    metrics.FEEDBACK.labels(action=fb.action, outcome="applied").inc()
    metrics.count_case_events(events)
    if change.get("$set", {}).get("status") == casefile.CLOSED:
        metrics.TIME_TO_CLOSE.labels(severity=case["severity"]).observe((change["$set"]["closed_at"] - case["opened_at"]).total_seconds())
    log.info("feedback_applied", department=fb.department_code, action=fb.action, role=verdict.role)


def _decide(d: DispatchContext, case: dict[str, Any], fb: CaseFeedback, verdict: Verdict) -> tuple[dict[str, Any], Outgoing]:
    if verdict.role == "platform":
        return _content_removed(d, case, fb)
    if fb.action == "accepted":
        event = announce.case_event(fb.event_id, case, "accepted", f"{fb.department_code} 已受理", d.clock.now())
        return {"$set": {"status": "accepted"}}, [(event, CASES_EVENTS)]
    if fb.action == "rejected":
        return _rejected(d, case, fb)
    return _closed(d, case, fb, verdict)


def _who(d: DispatchContext, case: dict[str, Any], code: str) -> str:
    """The name the reporter reads: the department, supervisor or platform that answered."""
    if code == case["department_code"] and case.get("department_name"):
        return case["department_name"]
    if code == (case.get("escalated_to") or {}).get("code"):
        return case["escalated_to"].get("name") or code
    spec = d.platforms.by_code(code)
    if spec is not None:
        return spec.name
    return d.directory.department(code).name if code in d.directory.department_unit else code


def _closed(d: DispatchContext, case: dict[str, Any], fb: CaseFeedback, verdict: Verdict) -> tuple[dict[str, Any], Outgoing]:
    """办结: handled, or the content removed (then re-checked after a delay)."""
    now = d.clock.now()
    who = _who(d, case, fb.department_code)
    handler = f"{who}（{fb.handler_name}）" if fb.handler_name else who
    result = fb.result or default_result(fb.action, who)
    removed = fb.action == "removed"
    recheck_id = derive_event_id(fb.event_id, "recheck") if removed else None
    change = casefile.closing(result, by=fb.department_code, handler_name=handler, now=now, recheck_id=recheck_id,
                              recheck_urls=case.get("target_urls", []), recheck_delay=d.recheck_delay)
    events: Outgoing = [
        (announce.case_event(fb.event_id, case, "handled", result, now, role=verdict.role, by=fb.department_code), CASES_EVENTS),
        (announce.case_event(fb.event_id, case, "closed", result, now, closed_by=fb.department_code,
                             removed=removed, recheck_at=change["recheck"]["at"].isoformat() if "recheck" in change else None),
         CASES_EVENTS),
        *announce.closing_replies(fb.event_id, case, result=result, handler=handler, removed=removed, now=now,
                                  rechecked="recheck" in change),
    ]
    return {"$set": change}, events


def _content_removed(d: DispatchContext, case: dict[str, Any], fb: CaseFeedback) -> tuple[dict[str, Any], Outgoing]:
    """A platform asked alongside the handler says it removed the content: noted, re-checked
    later; the department still settles the case."""
    now = d.clock.now()
    who = _who(d, case, fb.department_code)
    result = fb.result or default_result("removed", who)
    change: dict[str, Any] = {"$addToSet": {"removed_by": fb.department_code}}
    spec = d.platforms.by_code(fb.department_code)
    urls = [u for u in case.get("target_urls", []) if spec and spec.hosts_url(u)]
    if urls and (case.get("recheck") or {}).get("state") != "pending":
        change["$set"] = {"recheck": casefile.recheck(derive_event_id(fb.event_id, "recheck"), urls, fb.department_code,
                                                     now + d.recheck_delay)}
    event = announce.case_event(fb.event_id, case, "content_removed", result, now, platform=fb.department_code)
    return change, [(event, CASES_EVENTS)]


def _rejected(d: DispatchContext, case: dict[str, Any], fb: CaseFeedback) -> tuple[dict[str, Any], Outgoing]:
    """Not ours (非本单位职责): the next department in line; rejected too often, a person at
    the emergency command center decides (needs_human)."""
    now = d.clock.now()
    route = reroute(Route.model_validate(case["route"]), {fb.department_code}, directory=d.directory, policy=d.routing)
    plan = plan_takedowns(route, category=case["category"], urls=case.get("target_urls", []), registry=d.platforms)
    change, events = rounds.new_round(case, plan, severity=case["severity"], parent=fb.event_id, now=now,
                                      deadlines=d.deadlines, kind="rerouted", detail=route.reason,
                                      rejected_by=fb.department_code, reason=fb.result or "")
    return {"$set": change}, events

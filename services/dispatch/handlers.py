"""Dispatch's consumer of triaged reports: a new case is dispatched (转办); a later report joins
its case and, when it is more severe, raises the case and re-routes it if the handling
level changes. `Dispatcher` also holds what the feedback handler and scheduler share.

    parse -> load case -> decide (decide.py) -> store with events (outbox) -> relay
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from libs.common.clock import Clock
from libs.common.consumer import PermanentError
from libs.common.events import CaseFeedback, ReportTriaged
from libs.common.logs import bind_case, get_logger
from libs.common.outbox import OutboxRelay
from libs.common.topics import CASES_EVENTS, REPORTS_REPLIES
from services.dispatch import announce, casefile, metrics
from services.dispatch.announce import Outgoing
from services.dispatch.deadlines import DeadlinePolicy
from services.dispatch.decide import RaiseDecision, decide_dispatch, decide_raise
from services.dispatch.directory import Directory
from services.dispatch.platforms import PlatformRegistry, TakedownPlan, is_platform
from services.dispatch.routing import RoutingPolicy
from services.dispatch.store import DispatchStore

log = get_logger(__name__)


class CaseChanged(Exception):
    """The case moved between read and write: the consumer's retry reads it again."""


@dataclass
class Dispatcher:
    store: DispatchStore
    relay: OutboxRelay
    directory: Directory
    routing: RoutingPolicy
    deadlines: DeadlinePolicy
    clock: Clock
    platforms: PlatformRegistry = field(default_factory=PlatformRegistry)
    recheck_delay: timedelta = timedelta(hours=24)

    async def on_triaged(self, triaged: ReportTriaged) -> None:
        bind_case(case_id=triaged.case.case_id, report_id=triaged.report.report_id)
        if not triaged.decision.valid:
            return  # triage has told the reporter why; nothing to hand out
        now = self.clock.now()
        case = await self.store.get(triaged.case.case_id)
        if case is None:
            decision = decide_dispatch(triaged.report, triaged.decision, now=now, directory=self.directory,
                                       routing=self.routing, deadlines=self.deadlines, platforms=self.platforms)
            doc = casefile.new_case(triaged, decision, now)
            events = announce.new_case_events(doc, decision, triaged, now)
            if await self.store.insert(doc, events):
                self._count_new(doc, triaged, events)
                self.relay.poke()
                return
            case = await self.store.get(triaged.case.case_id)  # another instance made it first
            assert case is not None
        await self._join(case, triaged, now)

    async def on_feedback(self, feedback: CaseFeedback) -> None:
        from services.dispatch.feedback import answer  # feedback.py builds on this class

        await answer(self, feedback)

    async def _join(self, case: dict[str, Any], triaged: ReportTriaged, now: datetime) -> None:
        report_id = triaged.report.report_id
        if any(r["report_id"] == report_id for r in case["reports"]):
            return  # a redelivery: joined before
        raised = decide_raise(case, triaged.decision, directory=self.directory, routing=self.routing,
                              platforms=self.platforms)
        entry = casefile.report_entry(triaged)
        if raised is None:
            change: dict[str, Any] = {}
            events: Outgoing = [(announce.joined_reply(triaged.event_id, report_id, case, now), REPORTS_REPLIES)]
        else:
            change, events = self._raise(case | {"reports": [*case["reports"], entry]}, raised, triaged.event_id, report_id, now)
        guard = {"dispatch_no": case["dispatch_no"], "status": case["status"]}
        if not await self.store.add_report(case["_id"], entry, triaged.report.target_urls, events, guard, change):
            raise CaseChanged(case["_id"])  # answered, re-routed or raised meanwhile
        metrics.count_case_events(events)
        if raised and raised.plan and case["status"] == casefile.CLOSED:
            metrics.REOPENED.labels(reason="severity_raised").inc()
        log.info("report_joined_case", reports=len(case["reports"]) + 1, raised=raised and raised.severity)
        self.relay.poke()

    def _raise(self, case: dict[str, Any], raised: RaiseDecision, parent: str, report_id: str,
               now: datetime) -> tuple[dict[str, Any], Outgoing]:
        """A more severe report raises the case; a new handler or a closed case: a new round."""
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
            change, events = self.new_round(case, raised.plan, severity=raised.severity, parent=parent, now=now,
                                            kind="reopened" if reopen else "rerouted", detail=detail, with_co=True)
        else:  # same handler: the case tells it the new severity and (earlier) deadline
            change = casefile.tighten(case, severity=raised.severity, now=now, deadlines=self.deadlines)
            events = announce.handover(parent, case | change, raised.plan, now, with_co=False,
                                       skip_platforms=case.get("takedown_platforms", []))
        change = relabel | change
        updated = case | change
        events.append((announce.case_event(parent, updated, "severity_raised", detail, now, previous=previous), CASES_EVENTS))
        if raised.plan.route.upward_report and previous != "major":
            events.append((announce.case_event(parent, updated, "upward_report", "重大: 向上级网信部门报告", now), CASES_EVENTS))
        events.append((announce.joined_reply(parent, report_id, updated, now), REPORTS_REPLIES))
        return change, events

    def new_round(self, case: dict[str, Any], plan: TakedownPlan, *, severity: str, parent: str, now: datetime,
                  kind: str, detail: str, with_co: bool = False, **data: Any) -> tuple[dict[str, Any], Outgoing]:
        """Hand the case to `plan`'s handler as a new round, with its events (rerouted, reopened)."""
        change = casefile.redispatch(case, plan, severity=severity, now=now, deadlines=self.deadlines)  # type: ignore[arg-type]
        updated = case | change
        skip = [] if kind == "reopened" else case.get("takedown_platforms", [])
        events = announce.handover(parent, updated, plan, now, with_co=with_co, skip_platforms=skip)
        events.append((announce.case_event(parent, updated, kind, detail, now, from_department=case["department_code"],
                                           needs_human=plan.route.needs_human, round=updated["dispatch_no"], **data),
                       CASES_EVENTS))
        return change, events

    def _count_new(self, doc: dict[str, Any], triaged: ReportTriaged, events: Outgoing) -> None:
        metrics.count_case_events(events)
        if doc["transfer_to"]:
            metrics.CASES_TRANSFERRED.inc()
        else:
            metrics.CASES_DISPATCHED.labels(department=doc["department_code"], severity=doc["severity"], role="handler").inc()
        lag = (doc["dispatched_at"] - triaged.report.submitted_at).total_seconds()
        metrics.TIME_TO_DISPATCH.observe(max(lag, 0.0))
        log.info("case_dispatched", department=doc["department_code"], severity=doc["severity"],
                 transfer_to=doc["transfer_to"], platform_handler=is_platform(doc["department_code"]))


def require(case: dict[str, Any] | None, case_id: str) -> dict[str, Any]:
    if case is None:
        raise PermanentError(f"no case {case_id}")  # an answer about nothing: DLQ, for a person to look at
    return case

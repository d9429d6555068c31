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
from libs.common.events import CaseFeedback, ReportTriaged, RumorEvent
from libs.common.logs import bind_case, get_logger
from libs.common.outbox import OutboxRelay
from libs.common.topics import REPORTS_REPLIES
from services.dispatch import announce, casefile, metrics, rounds
from services.dispatch.announce import Outgoing
from services.dispatch.deadlines import DeadlinePolicy
from services.dispatch.decide import decide_dispatch, decide_raise
from services.dispatch.directory import Directory
from services.dispatch.feedback import answer
from services.dispatch.platforms import PlatformRegistry, is_platform
from services.dispatch.routing import RoutingPolicy
from services.dispatch.store import CaseChanged, DispatchStore

log = get_logger(__name__)


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
        await answer(self, feedback)

    async def on_rumor_event(self, event: RumorEvent) -> None:
        """Rebuttals published count in the upward reports (辟谣); the rest is the rumor desk's."""
        if event.kind == "published":
            await self.store.record_rebuttal(event.claim_id, event.rebuttal_id, event.occurred_at)

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
            change, events = rounds.raise_case(case | {"reports": [*case["reports"], entry]}, raised, parent=triaged.event_id,
                                               report_id=report_id, now=now, deadlines=self.deadlines)
        guard = {"dispatch_no": case["dispatch_no"], "status": case["status"]}
        if not await self.store.add_report(case["_id"], entry, triaged.report.target_urls, events, guard, change):
            raise CaseChanged(case["_id"])  # answered, re-routed or raised meanwhile
        metrics.count_case_events(events)
        if raised and raised.plan and case["status"] == casefile.CLOSED:
            metrics.REOPENED.labels(reason="severity_raised").inc()
        log.info("report_joined_case", reports=len(case["reports"]) + 1, raised=raised and raised.severity)
        self.relay.poke()

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

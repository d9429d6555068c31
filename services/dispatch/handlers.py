"""Dispatch's consumer of triaged reports: a new case is dispatched (转办); a later report joins
its case and, when it is more severe, raises the case and re-routes it if the handling
level changes; and the rebuttals published, for the upward reports.

A batch at a time: load the batch's cases (one read) -> decide the new ones (decide.py)
-> store them with their events (one insert; the store hands the events to the relay)
-> then, in order, each report that joins a case that exists (a guarded update each).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from libs.common.consumer import PermanentError
from libs.common.events import ReportTriaged, RumorEvent
from libs.common.logs import bind_event, get_logger
from libs.common.topics import REPORTS_REPLIES
from services.dispatch import announce, casefile, metrics, rounds
from services.dispatch.announce import Outgoing
from services.dispatch.duty.service import DutyService
from services.dispatch.context import DispatchContext
from services.dispatch.decide import decide_dispatch, decide_raise
from services.dispatch.takedown.platforms import is_platform
from services.dispatch.store import CaseChanged, DispatchStore

log = get_logger(__name__)


@dataclass
class TriagedHandler:
    ctx: DispatchContext

    @property
    def store(self) -> DispatchStore:
        return self.ctx.store

    async def on_triaged(self, triaged: ReportTriaged) -> None:
        await self.on_triaged_batch([triaged])

    async def on_triaged_batch(self, batch: list[ReportTriaged]) -> None:
        valid = [t for t in batch if t.decision.valid]  # triage told the others' reporters why
        if not valid:
            return
        now = self.ctx.clock.now()
        cases = await self.store.get_many(list({t.case.case_id for t in valid}))
        new: dict[str, tuple[dict[str, Any], Outgoing, ReportTriaged]] = {}
        for triaged in valid:
            case_id = triaged.case.case_id
            if case_id not in cases and case_id not in new:
                decision = decide_dispatch(triaged.report, triaged.decision, now=now, directory=self.ctx.directory,
                                           routing=self.ctx.routing, deadlines=self.ctx.deadlines, platforms=self.ctx.platforms)
                doc = casefile.new_case(triaged, decision, now)
                new[case_id] = (doc, announce.new_case_events(doc, decision, triaged, now), triaged)
        stored = await self.store.insert_many([(doc, events) for doc, events, _ in new.values()])
        for case_id in stored:
            doc, events, triaged = new[case_id]
            bind_event(triaged.event_id, case_id=case_id, report_id=triaged.report.report_id)
            self._count_new(doc, triaged, events)
        for triaged in valid:  # in order: every report that did not open its case joins it
            case_id = triaged.case.case_id
            if case_id in stored and new[case_id][2] is triaged:
                continue
            bind_event(triaged.event_id, case_id=case_id, report_id=triaged.report.report_id)
            case = await self.store.get(case_id)  # fresh: an earlier report of the batch may have changed it
            if case is None:
                raise PermanentError(f"case {case_id} vanished")  # nothing deletes cases: a bug, for the DLQ
            await self._join(case, triaged, now)

    async def _join(self, case: dict[str, Any], triaged: ReportTriaged, now: datetime) -> None:
        report_id = triaged.report.report_id
        if any(r["report_id"] == report_id for r in case["reports"]):
            return  # a redelivery: joined before
        raised = decide_raise(case, triaged.decision, directory=self.ctx.directory, routing=self.ctx.routing,
                              platforms=self.ctx.platforms)
        entry = casefile.report_entry(triaged)
        if raised is None:
            change: dict[str, Any] = {}
            events: Outgoing = [(announce.joined_reply(triaged.event_id, report_id, case, now), REPORTS_REPLIES)]
        else:
            change, events = rounds.raise_case(case | {"reports": [*case["reports"], entry]}, raised, parent=triaged.event_id,
                                               report_id=report_id, now=now, deadlines=self.ctx.deadlines)
        guard = {"dispatch_no": case["dispatch_no"], "status": case["status"]}
        if not await self.store.add_report(case["_id"], entry, triaged.report.target_urls, events, guard, change):
            raise CaseChanged(case["_id"])  # answered, re-routed or raised meanwhile
        metrics.count_case_events(events)
        if raised and raised.plan and case["status"] == casefile.CLOSED:
            metrics.REOPENED.labels(reason="severity_raised").inc()
        log.info("report_joined_case", reports=len(case["reports"]) + 1, raised=raised and raised.severity)

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


async def record_rebuttal(ctx: DispatchContext, duty: DutyService | None, event: RumorEvent) -> None:
    """Rebuttals published count in the upward reports (辟谣); alerts and failing channels
    page the staff on duty; the rest is the rumor desk's."""
    if event.kind == "published":
        await ctx.store.record_rebuttal(event.claim_id, event.rebuttal_id, event.occurred_at)
    if duty is not None:
        await duty.on_rumor_event(event)

"""Triage's consumer: judge each submitted report (研判), attach it to a case, publish.

    parse -> already judged? re-publish -> judge -> attach to a case -> store -> publish
"""
from __future__ import annotations

from dataclasses import dataclass

from libs.common.bus import Bus
from libs.common.clock import Clock
from libs.common.events import CaseRef, ReporterReply, ReportSubmitted, ReportTriaged, derive_event_id
from libs.common.logs import bind_case, get_logger
from libs.common.topics import REPORTS_REPLIES, REPORTS_TRIAGED
from services.triage import metrics
from services.triage.cases import merge_keys, similarity, text_signature
from services.triage.decide import triage
from services.triage.merge import choose_case
from services.triage.rules import RulesHolder
from services.triage.store import TriageStore, since, within_hour

log = get_logger(__name__)


def new_case_id(report_id: str) -> str:
    return "case-" + derive_event_id(report_id, "case")[:20]


@dataclass
class Triage:
    store: TriageStore
    bus: Bus
    rules: RulesHolder
    clock: Clock
    case_window_days: int = 14

    async def on_submitted(self, submitted: ReportSubmitted) -> None:
        report = submitted.report
        bind_case(report_id=report.report_id)
        event = await self.store.decision_of(report.report_id)
        if event is None:
            event = await self._judge(submitted)
            await self.store.save_decision(event)
        bind_case(case_id=event.case.case_id)
        await self.bus.publish(event, REPORTS_TRIAGED)
        if not event.decision.valid:
            await self.bus.publish(self._invalid_reply(event), REPORTS_REPLIES)
        d = event.decision
        metrics.DECISIONS.labels(category=d.category, severity=d.severity, valid=str(d.valid).lower()).inc()
        metrics.CONFIDENCE.observe(d.confidence)
        log.info("report_triaged", category=d.category, severity=d.severity, valid=d.valid, case_reports=event.case.report_count)

    async def _judge(self, submitted: ReportSubmitted) -> ReportTriaged:
        report, rules, now = submitted.report, self.rules.get(), self.clock.now()
        decision = triage(report, rules)
        case = CaseRef(case_id=new_case_id(report.report_id))
        if decision.valid:
            case, recent = await self._attach(submitted, rules, now)
            if recent > 1:  # the volume rule needs the case's count in the last hour
                decision = triage(report, rules, reports_last_hour=recent)
        return ReportTriaged(event_id=derive_event_id(submitted.event_id, "triaged"), report=report,
                             decision=decision, case=case)

    async def _attach(self, submitted: ReportSubmitted, rules, now) -> tuple[CaseRef, int]:  # type: ignore[no-untyped-def]
        report = submitted.report
        keys = merge_keys(report, rules.cases)
        signature = text_signature(report.text, rules.cases.text)
        candidates = await self.store.candidates(keys, since(now, self.case_window_days))
        choice = choose_case(keys, signature, candidates, similarity=similarity,
                             threshold=rules.cases.text.duplicate_similarity)
        metrics.CASES.labels(how=choice.how).inc()
        if choice.case_id is None:
            case_id = new_case_id(report.report_id)
            await self.store.open_case(case_id, report.report_id, keys, signature, now)
            return CaseRef(case_id=case_id, report_count=1, is_new=True), 1
        count, recent = await self.store.join_case(choice.case_id, report.report_id, keys, now)
        return CaseRef(case_id=choice.case_id, report_count=count, is_new=False), within_hour(recent, now)

    def _invalid_reply(self, event: ReportTriaged) -> ReporterReply:
        return ReporterReply(
            event_id=derive_event_id(event.event_id, "invalid-reply"), report_id=event.report.report_id,
            case_id=event.case.case_id, kind="invalid", status="invalid",
            text=event.decision.invalid_reason or "经研判，您的举报不属于受理范围。",
        )

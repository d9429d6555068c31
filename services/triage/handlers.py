"""Triage's consumer: judge each submitted report (研判), attach it to a case, publish.

A batch at a time, in order:
    already judged? (one read) -> judge the rest (pure) -> load the cases their keys
    nominate (two reads) -> place each report, in order, against that book -> store the
    cases and the decisions (three writes) -> publish every decision
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from libs.common.bus import Bus
from libs.common.clock import Clock
from libs.common.events import CaseRef, ReporterReply, ReportSubmitted, ReportTriaged, TriageDecision, derive_event_id
from libs.common.logs import bind_event, get_logger
from libs.common.topics import REPORTS_REPLIES, REPORTS_TRIAGED
from services.triage import metrics
from services.triage.casebook import CaseBook, within_hour
from services.triage.cases import merge_keys, similarity, text_signature
from services.triage.decide import triage
from services.triage.merge import choose_case
from services.triage.rules import RulesHolder, TriageRules
from services.triage.store import TriageStore, since

log = get_logger(__name__)


def new_case_id(report_id: str) -> str:
    return "case-" + derive_event_id(report_id, "case")[:20]


@dataclass(frozen=True)
class Judged:
    """A report's decision before it is placed in a case, with the keys it may join by."""

    submitted: ReportSubmitted
    decision: TriageDecision
    keys: list[str]
    signature: list[int] | None


@dataclass
class Triage:
    store: TriageStore
    bus: Bus
    rules: RulesHolder
    clock: Clock
    case_window_days: int = 14

    async def on_submitted(self, submitted: ReportSubmitted) -> None:
        await self.on_submitted_batch([submitted])

    async def on_submitted_batch(self, batch: list[ReportSubmitted]) -> None:
        stored = await self.store.decisions_of([s.report.report_id for s in batch])
        fresh = [s for s in batch if s.report.report_id not in stored]
        if fresh:
            for event in await self._judge_all(fresh):
                stored[event.report.report_id] = event
        events = [stored[s.report.report_id] for s in batch]
        await self._publish(events)
        for submitted, event in zip(batch, events, strict=True):
            bind_event(submitted.event_id, report_id=event.report.report_id, case_id=event.case.case_id)
            self._count(event)

    async def _judge_all(self, fresh: list[ReportSubmitted]) -> list[ReportTriaged]:
        rules, now = self.rules.get(), self.clock.now()
        judged = [self._judge(s, rules) for s in fresh]
        keys = [k for j in judged if j.decision.valid for k in j.keys]
        own = [new_case_id(j.submitted.report.report_id) for j in judged if j.decision.valid]
        book = await self.store.load_book(keys, since(now, self.case_window_days), also=own)
        events = [self._place(j, book, rules, now) for j in judged]
        await self.store.save_book(book)
        await self.store.save_decisions(events)
        return events

    def _judge(self, submitted: ReportSubmitted, rules: TriageRules) -> Judged:
        report = submitted.report
        decision = triage(report, rules)
        if not decision.valid:
            return Judged(submitted, decision, [], None)
        signature = text_signature(report.text, rules.cases.text)
        return Judged(submitted, decision, merge_keys(report, rules.cases, signature=signature), signature)

    def _place(self, judged: Judged, book: CaseBook, rules: TriageRules, now: datetime) -> ReportTriaged:
        submitted, decision = judged.submitted, judged.decision
        report = submitted.report
        case = CaseRef(case_id=new_case_id(report.report_id))
        member = book.case_of(report.report_id) if decision.valid else None
        if member is not None:  # placed before a crash, not yet decided: the same case again, never a second
            case = CaseRef(case_id=member.case_id, report_count=member.report_count, is_new=member.case_id == case.case_id)
        elif decision.valid:
            choice = choose_case(judged.keys, judged.signature, book.candidates(judged.keys), similarity=similarity,
                                 threshold=rules.cases.text.duplicate_similarity)
            metrics.CASES.labels(how=choice.how).inc()
            if choice.case_id is None:
                book.open(case.case_id, report.report_id, judged.keys, judged.signature, now)
                case = CaseRef(case_id=case.case_id, report_count=1, is_new=True)
            else:
                joined = book.join(choice.case_id, report.report_id, judged.keys, now)
                case = CaseRef(case_id=joined.case_id, report_count=joined.report_count, is_new=False)
                recent = within_hour(joined.recent, now)
                if recent > 1:  # the volume rule needs the case's count in the last hour
                    decision = triage(report, rules, reports_last_hour=recent)
        return ReportTriaged(event_id=derive_event_id(submitted.event_id, "triaged"), report=report,
                             decision=decision, case=case)

    async def _publish(self, events: Sequence[ReportTriaged]) -> None:
        sends = [self.bus.publish(e, REPORTS_TRIAGED) for e in events]
        sends += [self.bus.publish(self._invalid_reply(e), REPORTS_REPLIES) for e in events if not e.decision.valid]
        await asyncio.gather(*sends)

    def _count(self, event: ReportTriaged) -> None:
        d = event.decision
        metrics.DECISIONS.labels(category=d.category, severity=d.severity, valid=str(d.valid).lower()).inc()
        metrics.CONFIDENCE.observe(d.confidence)
        log.info("report_triaged", category=d.category, severity=d.severity, valid=d.valid,
                 case_reports=event.case.report_count)

    def _invalid_reply(self, event: ReportTriaged) -> ReporterReply:
        return ReporterReply(
            event_id=derive_event_id(event.event_id, "invalid-reply"), report_id=event.report.report_id,
            case_id=event.case.case_id, kind="invalid", status="invalid",
            text=event.decision.invalid_reason or "经研判，您的举报不属于受理范围。",
        )

"""Rumor's consumer: triaged rumor reports become claims (谣言线索聚类), and a claim that
gathers reports fast raises an alert (谣言预警)."""
from __future__ import annotations

from dataclasses import dataclass

from libs.common.clock import Clock
from libs.common.events import ReportTriaged, RumorEvent, derive_event_id
from libs.common.logs import bind_case, get_logger
from libs.common.outbox import OutboxRelay
from libs.common.topics import RUMORS_EVENTS
from services.rumor import metrics
from services.rumor.alerts import should_alert
from services.rumor.claims import absorb, assign, candidate_keys, mark_alerted, new_claim
from services.rumor.params import RumorParams
from services.rumor.reports import RumorReport
from services.rumor.store import RumorStore

log = get_logger(__name__)


@dataclass
class RumorDesk:
    store: RumorStore
    relay: OutboxRelay
    params: RumorParams
    clock: Clock

    async def on_triaged(self, triaged: ReportTriaged) -> None:
        if triaged.decision.category != "rumor" or not triaged.decision.valid:
            return
        report = RumorReport.from_content(triaged.report)
        bind_case(case_id=triaged.case.case_id, report_id=report.id)
        if await self.store.claim_of_report(report.id):
            return  # redelivered: already clustered
        now = self.clock.now()
        candidates = await self.store.candidates(candidate_keys(report, self.params), now, self.params.claims.ttl_days)
        assignment = assign(report, candidates, self.params)
        if assignment.is_new:
            await self._open_claim(triaged, report)
        else:
            current = next(c for c in candidates if c.claim_id == assignment.claim_id)
            await self._join_claim(triaged, report, current)
        self.relay.poke()

    async def _open_claim(self, triaged: ReportTriaged, report: RumorReport) -> None:
        profile = new_claim(report, self.params)
        event = RumorEvent(event_id=derive_event_id(triaged.event_id, "claim_created"), claim_id=profile.claim_id,
                           kind="claim_created", detail=report.text[:200], data={"case_id": triaged.case.case_id})
        await self.store.insert(profile, [(event, RUMORS_EVENTS)])
        metrics.RUMOR_REPORTS.labels(outcome="new_claim").inc()
        log.info("claim_created", claim_id=profile.claim_id)

    async def _join_claim(self, triaged: ReportTriaged, report: RumorReport, current) -> None:  # type: ignore[no-untyped-def]
        profile = absorb(current, report, self.params)
        events = []
        now = self.clock.now()
        if should_alert(profile.recent_times, now, self.params.alert, last_alerted_at=profile.alerted_at):
            profile = mark_alerted(profile, now)
            events.append((RumorEvent(event_id=derive_event_id(triaged.event_id, "alert"), claim_id=profile.claim_id,
                                      kind="alert", detail=f"{profile.report_count} reports",
                                      data={"report_count": profile.report_count}), RUMORS_EVENTS))
            metrics.RUMOR_ALERTS.inc()
            log.warning("rumor_alert", claim_id=profile.claim_id, reports=profile.report_count)
        await self.store.replace(current.version, profile, events)  # ClaimConflict: the consumer retries
        metrics.RUMOR_REPORTS.labels(outcome="joined_claim").inc()

"""Rumor's consumer: triaged rumor reports become claims (谣言线索聚类), a claim that gathers
reports fast raises an alert (谣言预警), and a report that joins a claim whose rebuttal is
already out gets the rebuttal at once (辟谣答复)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random

from libs.common.clock import Clock
from libs.common.events import Event, ReportTriaged, RumorEvent, derive_event_id
from libs.common.logs import bind_case, get_logger
from libs.common.outbox import OutboxRelay
from libs.common.rulefile import Fixed, Rules
from libs.common.topics import REPORTS_REPLIES, RUMORS_EVENTS
from services.rumor import metrics
from services.rumor.publishing import fanout
from services.rumor.alerts import should_alert
from services.rumor.clustering.claim_lookup import week_of
from services.rumor.clustering.claims import absorb, assign, candidate_keys, mark_alerted, new_claim
from services.rumor.params import RumorParams
from services.rumor.clustering.reports import RumorReport
from services.rumor.store import ClaimConflict, RumorStore, StoredClaim

log = get_logger(__name__)


@dataclass
class RumorDesk:
    store: RumorStore
    relay: OutboxRelay
    params_rules: Rules[RumorParams]  # reloaded on change: thresholds apply to the next report
    clock: Clock
    word_lists: Rules[None] = Fixed(None)  # clustering/word_lists.py: an edit drops the tables built from them

    @property
    def params(self) -> RumorParams:
        return self.params_rules.get()

    async def on_triaged(self, triaged: ReportTriaged) -> None:
        if triaged.decision.category != "rumor" or not triaged.decision.valid:
            return
        self.word_lists.get()
        report = RumorReport.from_content(triaged.report)
        bind_case(case_id=triaged.case.case_id, report_id=report.id)
        # Another instance (or an operator) changing the claim between our read and write is
        # normal under load: place the report again on the fresh state, a few times, quickly.
        async for attempt in AsyncRetrying(stop=stop_after_attempt(10), wait=wait_random(0.01, 0.2),
                                           retry=retry_if_exception_type(ClaimConflict), reraise=True):
            with attempt:
                await self._place(triaged, report)
        self.relay.poke()

    async def _place(self, triaged: ReportTriaged, report: RumorReport) -> None:
        if await self.store.claim_of_report(report.id):
            return  # redelivered: already clustered
        now = self.clock.now()
        candidates = await self.store.candidates(candidate_keys(report, self.params), now, self.params.claims)
        held = next((c for c in candidates if report.id in c.profile.report_ids), None)
        if held is not None:  # joined before a crash that came before its index write: write it now
            await self.store.write_index(held.profile.claim_id, list(held.profile.keys), week_of(now), [report.id],
                                         self.params.claims)
            return
        assignment = assign(report, [c.profile for c in candidates], self.params)
        if assignment.is_new:
            await self._open_claim(triaged, report, now)
        else:
            current = next(c for c in candidates if c.profile.claim_id == assignment.claim_id)
            await self._join_claim(triaged, report, current)

    async def _open_claim(self, triaged: ReportTriaged, report: RumorReport, now: datetime) -> None:
        profile = new_claim(report, self.params)
        event = RumorEvent(event_id=derive_event_id(triaged.event_id, "claim_created"), claim_id=profile.claim_id,
                           kind="claim_created", detail=report.text[:200], data={"case_id": triaged.case.case_id})
        week = week_of(now)
        if await self.store.insert(profile, [(event, RUMORS_EVENTS)], indexed={"week": week, "keys": list(profile.keys)}):
            metrics.RUMOR_REPORTS.labels(outcome="new_claim").inc()
            log.info("claim_created", claim_id=profile.claim_id)
        # Also when the claim was there already (inserted before a crash): its id comes from
        # this report, so it is this report's claim, and its index may be missing.
        await self.store.write_index(profile.claim_id, list(profile.keys), week, [report.id], self.params.claims)

    async def _join_claim(self, triaged: ReportTriaged, report: RumorReport, current: StoredClaim) -> None:
        profile = absorb(current.profile, report, self.params)
        events: list[tuple[Event, str]] = []
        now = self.clock.now()
        alert = should_alert(profile.recent_times, now, self.params.alert, last_alerted_at=profile.alerted_at)
        if alert:
            profile = mark_alerted(profile, now)
            events.append((RumorEvent(event_id=derive_event_id(triaged.event_id, "alert"), claim_id=profile.claim_id,
                                      kind="alert", detail=f"{profile.report_count} reports",
                                      data={"report_count": profile.report_count}), RUMORS_EVENTS))
        # If the claim's rebuttal is out, this reporter is told now, in the same write that adds
        # the report, so the publication and this join cannot miss each other (store.py).
        reply = fanout.late_reply(current.desk, report.id)
        if reply:
            events.append((reply, REPORTS_REPLIES))
        # Index only the keys the claim is not yet under this week (its profile moves slowly).
        week, before = week_of(now), current.doc.get("index") or {}
        already = set(before.get("keys", [])) if before.get("week") == week else set()
        fresh = [k for k in profile.keys if k not in already]
        await self.store.replace(current.version, profile, events,
                                 indexed={"week": week, "keys": sorted(already | set(profile.keys))})
        await self.store.write_index(profile.claim_id, fresh, week, [report.id], self.params.claims)
        metrics.RUMOR_REPORTS.labels(outcome="joined_claim").inc()
        if alert:
            metrics.RUMOR_ALERTS.inc()
            metrics.CLAIM_SIZE_AT_ALERT.observe(profile.report_count)
            log.warning("rumor_alert", claim_id=profile.claim_id, reports=profile.report_count)
        if reply:
            metrics.REPLIES.labels(kind="rebuttal").inc()

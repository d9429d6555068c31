"""Intake's consumer: replies to reporters (回复) land on the reports' status records and,
for reports a platform pushed, the case outcome is queued for delivery back to it. A batch
of replies is recorded in one bulk write."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from libs.common.clock import Clock
from libs.common.events import ReporterReply
from libs.common.logs import bind_event, get_logger
from services.intake import metrics
from services.intake.outcomes import OUTCOME_KINDS, outcome_payload, wants_outcome
from services.intake.store import IntakeStore

log = get_logger(__name__)


def make_reply_handler(store: IntakeStore, clock: Clock,
                       wake_callbacks: Callable[[], None] = lambda: None) -> Callable[[list[ReporterReply]], Awaitable[None]]:
    async def on_replies(replies: list[ReporterReply]) -> None:
        new = await store.apply_replies(replies=replies)
        for reply in replies:
            bind_event(reply.event_id, case_id=reply.case_id, report_id=reply.report_id)
            metrics.REPLIES_RECORDED.labels(kind=reply.kind).inc()
            log.info("reply_recorded", kind=reply.kind)
        if new < len(replies):
            log.info("replies_recorded_before", count=len(replies) - new)
        # Queued even when the reply was recorded before: a crash may have come in between.
        outcomes = [r for r in replies if r.kind in OUTCOME_KINDS]
        reports = await store.get_many(report_ids=[r.report_id for r in outcomes]) if outcomes else {}
        queued = False
        for reply in outcomes:
            report = reports.get(reply.report_id)
            if report is not None and wants_outcome(report, reply):
                queued |= await store.callbacks.enqueue(
                    callback_id=reply.event_id, platform_id=report["content"]["platform_id"],
                    report_id=reply.report_id, payload=outcome_payload(report, reply), now=clock.now())
        if queued:
            wake_callbacks()

    return on_replies

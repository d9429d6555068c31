"""Intake's consumer: a reply to a reporter (回复) lands on the report's status record and,
for a report a platform pushed, the case outcome is queued for delivery back to it."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from libs.common.clock import Clock
from libs.common.events import ReporterReply
from libs.common.logs import bind_case, get_logger
from services.intake import metrics
from services.intake.outcomes import outcome_payload, wants_outcome
from services.intake.store import IntakeStore

log = get_logger(__name__)


def make_reply_handler(store: IntakeStore, clock: Clock,
                       wake_callbacks: Callable[[], None] = lambda: None) -> Callable[[ReporterReply], Awaitable[None]]:
    async def on_reply(reply: ReporterReply) -> None:
        bind_case(case_id=reply.case_id, report_id=reply.report_id)
        if await store.apply_reply(reply=reply):
            metrics.REPLIES_RECORDED.labels(kind=reply.kind).inc()
            log.info("reply_recorded", kind=reply.kind)
        # Queued even when the reply was recorded before: a crash may have come in between.
        report = await store.get_by_id(report_id=reply.report_id)
        if report is not None and wants_outcome(report, reply):
            queued = await store.callbacks.enqueue(
                callback_id=reply.event_id, platform_id=report["content"]["platform_id"],
                report_id=reply.report_id, payload=outcome_payload(report, reply), now=clock.now())
            if queued:
                wake_callbacks()

    return on_reply

"""Intake's consumers: replies to reporters land on their status record (回复)."""
from __future__ import annotations

from libs.common.events import ReporterReply
from libs.common.logs import bind_case, get_logger
from services.intake import metrics
from services.intake.store import IntakeStore

log = get_logger(__name__)


def make_reply_handler(store: IntakeStore):  # type: ignore[no-untyped-def]
    async def on_reply(reply: ReporterReply) -> None:
        bind_case(case_id=reply.case_id, report_id=reply.report_id)
        if await store.apply_reply(reply=reply):
            metrics.REPLIES_RECORDED.labels(kind=reply.kind).inc()
            log.info("reply_recorded", kind=reply.kind)

    return on_reply

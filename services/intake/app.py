"""Intake: the FastStream/FastAPI app, wiring only. Run: uvicorn services.intake.app:app"""
from __future__ import annotations

from functools import partial

from libs.common.consumer import subscribe
from libs.common.events import ReporterReply
from libs.common.outbox import OutboxRelay
from libs.common.privacy import Privacy
from libs.common.service import Runtime, build_app
from libs.common.topics import DEFAULT_PARTITIONS, REPORTS_REPLIES, REPORTS_SUBMITTED
from services.intake.context import IntakeContext
from services.intake.danger import load_danger_terms
from services.intake.handlers import make_reply_handler
from services.intake.routes import limit_body_size, public_router
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore


def create_app(settings: IntakeSettings | None = None):  # type: ignore[no-untyped-def]
    settings = settings or IntakeSettings()
    if settings.secret_key is None:
        raise SystemExit("NETREPORT_SECRET_KEY is not set: reporter data cannot be encrypted")
    runtime = Runtime.create(settings)
    store_ = IntakeStore(runtime.db)
    relay = OutboxRelay(runtime.bus, [store_.reports], settings.service_name)
    ctx = IntakeContext(settings, store_, Privacy(settings.secret_key.get_secret_value()), load_danger_terms(), relay)

    subscribe(runtime.broker, runtime.bus, runtime.inbox, topic=REPORTS_REPLIES, group="intake-replies",
              model=ReporterReply, handle=make_reply_handler(store_), service="intake")

    async def on_start(rt: Runtime) -> None:
        await store_.create_indexes()

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")

    app = build_app(
        runtime, title="网络举报受理 Intake API", description="举报受理：网页、小程序、平台、志愿者与人工录入。",
        topics={REPORTS_SUBMITTED: DEFAULT_PARTITIONS, REPORTS_REPLIES: DEFAULT_PARTITIONS},
        on_start=on_start, after_kafka=after_kafka,
    )
    app.middleware("http")(partial(limit_body_size, max_bytes=settings.max_body_bytes))
    app.include_router(public_router(ctx))
    app.state.ctx = ctx
    return app

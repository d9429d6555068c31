"""Intake: the FastStream/FastAPI app, wiring only. Run: uvicorn services.intake.app:create_app --factory"""
from __future__ import annotations

import os

from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.http.csrf import Csrf, derive_key
from libs.common.http.pages import Pages, install_page_errors, mount_static
from libs.common.events import ReporterReply
from libs.common.outbox import OutboxRelay
from libs.common.privacy import Privacy
from libs.common.rulefile import watching
from libs.common.settings import privacy_keys
from libs.common.service import Runtime, build_app
from libs.common.topics import DEFAULT_PARTITIONS, REPORTS_REPLIES, REPORTS_SUBMITTED
from services.intake import (
    open311_routes,
    operator_routes,
    platform_routes,
    report_routes,
    volunteer_routes,
)
from services.intake.pages import routes as page_routes
from services.intake.context import IntakeContext
from services.intake.danger import RULES_FILE, load_danger_terms
from services.intake.errors import count_refused_too_large, install_intake_errors
from services.intake.snapshot_worker import SnapshotWorker
from services.intake.fetcher import HttpSnapshotFetcher, UrlFetcher
from services.intake.handlers import make_reply_handler
from services.intake.openapi import add_schemas
from services.intake.platforms import PlatformBatchIn, load_platform_specs
from services.intake.callback_worker import (
    CallbackDeliverer,
    CallbackSender,
    HttpCallbackSender,
)
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore

DESCRIPTION = ("举报受理：网页、小程序、平台（签名推送）、志愿者与值班员代录（电话、邮件）。"
               "每条举报先保存再答复，立即获得受理编号；错误统一为 {error, message, detail}，校验错误逐字段说明。")


def create_app(settings: IntakeSettings | None = None, *, clock: Clock | None = None,
               sender: CallbackSender | None = None, fetcher: UrlFetcher | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    if settings.secret_key is None:
        raise SystemExit("NETREPORT_SECRET_KEY is not set: reporter data cannot be encrypted")
    clock = clock or SystemClock()
    runtime = Runtime.create(settings)
    store = IntakeStore(runtime.db)
    relay = OutboxRelay(runtime.bus, [store.reports], settings.service_name)
    master = settings.secret_key.get_secret_value()
    secret, olds, pseudonym = privacy_keys(settings)
    ctx = IntakeContext(settings, store, Privacy(secret, olds, pseudonym),
                        watching(RULES_FILE, load_danger_terms, name="intake.danger"), relay, clock)
    deliverer = CallbackDeliverer(store.callbacks, ctx.registry, sender or HttpCallbackSender(settings.callback_timeout_s),
                                  clock, max_attempts=settings.callback_max_attempts, interval_s=settings.callback_interval_s)
    snapshots = SnapshotWorker(store, fetcher or HttpSnapshotFetcher(
        clock, max_bytes=settings.snapshot_max_bytes, timeout_s=settings.snapshot_timeout_s,
        max_redirects=settings.snapshot_max_redirects, allow=settings.allowed_networks()),
        clock, interval_s=settings.snapshot_interval_s)
    ctx.wake_callbacks, ctx.wake_snapshots = deliverer.poke, snapshots.poke

    runtime.subscribe(topic=REPORTS_REPLIES, group="intake-replies",
                      model=ReporterReply, handle_batch=make_reply_handler(store, clock, deliverer.poke),
                      idempotent=True)  # a reply is recorded once by its event id (reply_events)

    async def on_start(rt: Runtime) -> None:
        await store.create_indexes()
        await relay.create_indexes()
        await ctx.registry.seed(load_platform_specs(settings.platforms_file), environ=os.environ,
                                dev_master=master if settings.platform_dev_secrets else None, now=clock.now())
        rt.spawn(deliverer.run(), "platform-callbacks")
        if settings.evidence_snapshot:
            await store.requeue_pending_snapshots()
            rt.spawn(snapshots.run(), "evidence-snapshots")

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")

    app = build_app(runtime, title="网络举报受理 Intake API", description=DESCRIPTION,
                    topics={REPORTS_SUBMITTED: DEFAULT_PARTITIONS, REPORTS_REPLIES: DEFAULT_PARTITIONS},
                    on_start=on_start, after_kafka=after_kafka, max_body_bytes=settings.max_body_bytes,
                    body_limits={"/api/v1/platforms/": settings.webhook_max_body_bytes},
                    on_too_large=count_refused_too_large)
    install_intake_errors(app)
    for module in (report_routes, platform_routes, volunteer_routes, operator_routes, open311_routes, page_routes):
        app.include_router(module.router)
    # The reporter's pages (services/intake/pages): the form at the root, the tracking page.
    app.state.pages = Pages([page_routes.TEMPLATES], Csrf(derive_key(master, "csrf")),
                            secure_cookies=settings.public_base_url.startswith("https://"))
    mount_static(app)
    install_page_errors(app, app.state.pages, prefixes=("/", "/track"))
    add_schemas(app, PlatformBatchIn)
    app.state.runtime, app.state.ctx = runtime, ctx
    app.state.deliverer, app.state.snapshots = deliverer, snapshots
    return app

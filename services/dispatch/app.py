"""Dispatch: the FastStream/FastAPI app, wiring only. Run: uvicorn services.dispatch.app:create_app --factory"""
from __future__ import annotations

from datetime import timedelta
from functools import partial

from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.events import (
    CaseEvent,
    CaseFeedback,
    DutyPage,
    ReportTriaged,
    RumorEvent,
    TakedownRequested,
)
from libs.common.outbox import OutboxRelay
from libs.common.rulefile import watching
from libs.common.service import Runtime, build_app
from libs.common.topics import (
    CASES_EVENTS,
    CASES_FEEDBACK,
    CASES_TAKEDOWN,
    CASES_TRANSFERRED,
    DEFAULT_PARTITIONS,
    DEPARTMENT_PARTITIONS,
    DUTY_PAGES,
    REPORTS_REPLIES,
    REPORTS_TRIAGED,
    RUMORS_EVENTS,
    dispatch_topic,
)
from services.dispatch import case_routes
from services.dispatch.context import DispatchContext
from services.dispatch.deadlines import load_deadline_policy
from services.dispatch.directory import load_directory
from services.dispatch.duty.wiring import build_duty
from services.dispatch.feedback_handlers import FeedbackHandler
from services.dispatch.handlers import TriagedHandler, record_rebuttal
from services.dispatch.pages.site import audit_to
from services.dispatch.takedown import routes as platform_routes
from services.dispatch.takedown.platforms import load_platforms
from services.dispatch.pages.install import build_site, install_pages
from services.dispatch.takedown.recheck_worker import Rechecker
from services.dispatch.routing import load_routing_policy
from services.dispatch.scheduler import ChaseScheduler
from services.dispatch.settings import DispatchSettings, feedback_signing_key
from services.dispatch.statistics import routes as statistics_routes
from services.dispatch.statistics.census import run_census
from services.dispatch.store import DispatchStore
from services.dispatch.takedown.handlers import (
    HttpTakedownSender,
    TakedownSender,
    TakedownWorker,
)
from services.dispatch.takedown.urlcheck import HttpUrlChecker, UrlChecker


def create_app(settings: DispatchSettings | None = None, clock: Clock | None = None,
               url_checker: UrlChecker | None = None, takedown_sender: TakedownSender | None = None) -> FastAPI:
    settings = settings or DispatchSettings()
    clock = clock or SystemClock()
    runtime = Runtime.create(settings)
    relay = OutboxRelay(runtime.bus, service=settings.service_name)
    store = DispatchStore(runtime.db, relay)
    directory = load_directory(settings.directory_file)
    platforms = watching(settings.platforms_file, load_platforms, name="dispatch.platforms")
    ctx = DispatchContext(store, relay, directory,
                          watching(settings.routing_file, load_routing_policy, name="dispatch.routing"),
                          watching(settings.deadlines_file, load_deadline_policy, name="dispatch.deadlines"),
                          clock, platforms,
                          timedelta(seconds=settings.recheck_delay_s), runtime.bus, settings.platform_feedback_skew_s,
                          feedback_signing_key(settings))
    checker = url_checker or HttpUrlChecker(allow_hosts=settings.allow_hosts, timeout_s=settings.urlcheck_timeout_s)
    rechecker = Rechecker(ctx, checker, timedelta(seconds=settings.recheck_retry_s), settings.recheck_max_attempts,
                          deadline_s=settings.recheck_deadline_s, interval_s=settings.chase_interval_s)
    scheduler = ChaseScheduler(ctx, settings.chase_interval_s)
    sender = takedown_sender or HttpTakedownSender(attempts=settings.takedown_attempts, timeout_s=settings.takedown_timeout_s)
    takedowns = TakedownWorker(store, relay, platforms, sender, clock, settings.public_base_url,
                               feedback_key=ctx.feedback_key)

    site = build_site(runtime, settings, clock, ctx.feedback_key)  # the console's and the desk's logins
    duty, duty_scheduler, delivery = build_duty(runtime, settings, ctx, relay, audit_to(site, ctx))

    runtime.subscribe(topic=REPORTS_TRIAGED, group="dispatch",
                      model=ReportTriaged, handle_batch=TriagedHandler(ctx).on_triaged_batch,
                      idempotent=True)  # a case is looked up first; a join is guarded by report id
    runtime.subscribe(topic=CASES_FEEDBACK, group="dispatch-feedback",
                      model=CaseFeedback, handle=FeedbackHandler(ctx).on_feedback)
    runtime.subscribe(topic=CASES_TAKEDOWN, group="dispatch-takedown",
                      model=TakedownRequested, handle=takedowns.on_takedown)
    runtime.subscribe(topic=RUMORS_EVENTS, group="dispatch-rumors",
                      model=RumorEvent, handle=partial(record_rebuttal, ctx, duty))
    runtime.subscribe(topic=CASES_EVENTS, group="dispatch-duty", model=CaseEvent, handle=duty.on_case_event,
                      idempotent=True)  # a page is opened once per page id
    runtime.subscribe(topic=DUTY_PAGES, group="dispatch-duty-notify", model=DutyPage, handle=delivery.on_step)

    async def on_start(rt: Runtime) -> None:
        if not ctx.feedback_key:
            raise SystemExit("DISPATCH_FEEDBACK_KEY or NETREPORT_SECRET_KEY must be set: departments' answers are signed")
        await store.create_indexes()
        await site.accounts.create_indexes()
        await relay.create_indexes()
        await duty.store.create_indexes()
        rt.spawn(run_census(store.cases, clock), "case-census")

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")
        rt.spawn(scheduler.run(), "chase-scheduler")
        rt.spawn(rechecker.run(), "recheck")
        rt.spawn(duty_scheduler.run(), "duty-scheduler")

    produced = (REPORTS_TRIAGED, CASES_FEEDBACK, CASES_EVENTS, CASES_TRANSFERRED, CASES_TAKEDOWN, REPORTS_REPLIES, RUMORS_EVENTS,
                DUTY_PAGES)
    topics = {t: DEFAULT_PARTITIONS for t in produced}
    topics |= {dispatch_topic(d.code): DEPARTMENT_PARTITIONS for d in directory.all_departments()}
    app = build_app(runtime, title="转办督办 Dispatch", description="按属地与分级处置规则转办案件，催办、督办、回复。",
                    topics=topics, on_start=on_start, after_kafka=after_kafka,
                    body_limits={"/api/v1/platforms/": platform_routes.MAX_BODY}, sessions=site.sessions.check)
    install_pages(app, site, settings)
    for router in (case_routes.router, statistics_routes.router, platform_routes.router):
        app.include_router(router)
    app.state.ctx, app.state.scheduler, app.state.takedowns = ctx, scheduler, takedowns
    app.state.rechecker = rechecker
    app.state.duty, app.state.duty_scheduler = duty, duty_scheduler
    return app

"""Dispatch: the FastStream/FastAPI app, wiring only. Run: uvicorn services.dispatch.app:create_app --factory"""
from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.events import CaseFeedback, ReportTriaged, RumorEvent, TakedownRequested
from libs.common.outbox import OutboxRelay
from libs.common.service import Runtime, build_app
from libs.common.topics import (
    CASES_EVENTS, CASES_FEEDBACK, CASES_TAKEDOWN, CASES_TRANSFERRED, DEFAULT_PARTITIONS, DEPARTMENT_PARTITIONS,
    REPORTS_REPLIES, REPORTS_TRIAGED, RUMORS_EVENTS, dispatch_topic,
)
from services.dispatch.deadlines import load_deadline_policy
from services.dispatch.directory import load_directory
from services.dispatch.handlers import Dispatcher
from services.dispatch.platform_routes import platform_router
from services.dispatch.platforms import load_platforms
from services.dispatch.recheck import Rechecker
from services.dispatch.routes import operator_router
from services.dispatch.routing import load_routing_policy
from services.dispatch.scheduler import ChaseScheduler
from services.dispatch.settings import DispatchSettings
from services.dispatch.statistics import statistics_router
from services.dispatch.store import DispatchStore
from services.dispatch.takedown_worker import HttpTakedownSender, TakedownSender, TakedownWorker
from services.dispatch.urlcheck import HttpUrlChecker, UrlChecker


def create_app(settings: DispatchSettings | None = None, clock: Clock | None = None,
               url_checker: UrlChecker | None = None, takedown_sender: TakedownSender | None = None) -> FastAPI:
    settings = settings or DispatchSettings()
    clock = clock or SystemClock()
    runtime = Runtime.create(settings)
    relay = OutboxRelay(runtime.bus, service=settings.service_name)
    store = DispatchStore(runtime.db, relay)
    directory = load_directory(settings.directory_file)
    platforms = load_platforms(settings.platforms_file)
    dispatcher = Dispatcher(store, relay, directory, load_routing_policy(settings.routing_file),
                            load_deadline_policy(settings.deadlines_file), clock, platforms,
                            timedelta(seconds=settings.recheck_delay_s))
    checker = url_checker or HttpUrlChecker(allow_hosts=settings.allow_hosts, timeout_s=settings.urlcheck_timeout_s)
    rechecker = Rechecker(dispatcher, checker, timedelta(seconds=settings.recheck_retry_s), settings.recheck_max_attempts)
    scheduler = ChaseScheduler(dispatcher, settings.chase_interval_s, rechecker)
    sender = takedown_sender or HttpTakedownSender(attempts=settings.takedown_attempts, timeout_s=settings.takedown_timeout_s)
    takedowns = TakedownWorker(store, relay, platforms, sender, clock, settings.public_base_url)

    runtime.subscribe(topic=REPORTS_TRIAGED, group="dispatch",
                      model=ReportTriaged, handle_batch=dispatcher.on_triaged_batch)
    runtime.subscribe(topic=CASES_FEEDBACK, group="dispatch-feedback",
                      model=CaseFeedback, handle=dispatcher.on_feedback)
    runtime.subscribe(topic=CASES_TAKEDOWN, group="dispatch-takedown",
                      model=TakedownRequested, handle=takedowns.on_takedown)
    runtime.subscribe(topic=RUMORS_EVENTS, group="dispatch-rumors",
                      model=RumorEvent, handle=dispatcher.on_rumor_event)

    async def on_start(rt: Runtime) -> None:
        await store.create_indexes()

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")
        rt.spawn(scheduler.run(), "chase-scheduler")

    produced = (REPORTS_TRIAGED, CASES_FEEDBACK, CASES_EVENTS, CASES_TRANSFERRED, CASES_TAKEDOWN, REPORTS_REPLIES, RUMORS_EVENTS)
    topics = {t: DEFAULT_PARTITIONS for t in produced}
    topics |= {dispatch_topic(d.code): DEPARTMENT_PARTITIONS for d in directory.all_departments()}
    app = build_app(runtime, title="转办督办 Dispatch", description="按属地与分级处置规则转办案件，催办、督办、回复。",
                    topics=topics, on_start=on_start, after_kafka=after_kafka)
    app.include_router(operator_router(store, directory, platforms, clock))
    app.include_router(statistics_router(dispatcher))  # 网情报送 and the case census
    app.include_router(platform_router(runtime.bus, platforms, clock, skew_s=settings.platform_feedback_skew_s))
    app.state.dispatcher, app.state.scheduler, app.state.takedowns = dispatcher, scheduler, takedowns
    return app

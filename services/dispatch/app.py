"""Dispatch: the FastStream/FastAPI app, wiring only. Run: uvicorn services.dispatch.app:create_app --factory"""
from __future__ import annotations

from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.events import CaseFeedback, ReportTriaged
from libs.common.outbox import OutboxRelay
from libs.common.service import Runtime, build_app
from libs.common.topics import (
    CASES_EVENTS, CASES_FEEDBACK, CASES_TRANSFERRED, DEFAULT_PARTITIONS, DEPARTMENT_PARTITIONS,
    REPORTS_REPLIES, REPORTS_TRIAGED, dispatch_topic,
)
from services.dispatch.deadlines import load_deadline_policy
from services.dispatch.directory import load_directory
from services.dispatch.handlers import Dispatcher
from services.dispatch.routes import operator_router
from services.dispatch.routing import load_routing_policy
from services.dispatch.scheduler import ChaseScheduler
from services.dispatch.settings import DispatchSettings
from services.dispatch.statistics import statistics_router
from services.dispatch.store import DispatchStore


def create_app(settings: DispatchSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or DispatchSettings()
    runtime = Runtime.create(settings)
    store = DispatchStore(runtime.db)
    directory = load_directory(settings.directory_file)
    relay = OutboxRelay(runtime.bus, [store.cases, store.meta], settings.service_name)
    dispatcher = Dispatcher(store, relay, directory, load_routing_policy(settings.routing_file),
                            load_deadline_policy(settings.deadlines_file), clock or SystemClock())
    scheduler = ChaseScheduler(dispatcher, settings.chase_interval_s)

    runtime.subscribe(topic=REPORTS_TRIAGED, group="dispatch",
                      model=ReportTriaged, handle=dispatcher.on_triaged)
    runtime.subscribe(topic=CASES_FEEDBACK, group="dispatch-feedback",
                      model=CaseFeedback, handle=dispatcher.on_feedback)

    async def on_start(rt: Runtime) -> None:
        await store.create_indexes()

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")
        rt.spawn(scheduler.run(), "chase-scheduler")

    topics = {t: DEFAULT_PARTITIONS for t in (REPORTS_TRIAGED, CASES_FEEDBACK, CASES_EVENTS, CASES_TRANSFERRED, REPORTS_REPLIES)}
    topics |= {dispatch_topic(d.code): DEPARTMENT_PARTITIONS for d in directory.all_departments()}
    app = build_app(runtime, title="转办督办 Dispatch", description="按属地与分级处置规则转办案件，催办、督办、回复。",
                    topics=topics, on_start=on_start, after_kafka=after_kafka)
    app.include_router(operator_router(store, directory))
    app.include_router(statistics_router(dispatcher))  # 网情报送 and the case census
    app.state.dispatcher, app.state.scheduler = dispatcher, scheduler
    return app

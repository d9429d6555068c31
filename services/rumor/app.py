"""Rumor: the FastStream/FastAPI app, wiring only. Run: uvicorn services.rumor.app:create_app --factory"""
from __future__ import annotations

from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.events import ReportTriaged
from libs.common.outbox import OutboxRelay
from libs.common.service import Runtime, build_app
from libs.common.topics import DEFAULT_PARTITIONS, REPORTS_REPLIES, REPORTS_TRIAGED, RUMORS_EVENTS
from services.rumor.handlers import RumorDesk
from services.rumor.params import load_params
from services.rumor.settings import RumorSettings
from services.rumor.store import RumorStore


def create_app(settings: RumorSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RumorSettings()
    runtime = Runtime.create(settings)
    store = RumorStore(runtime.db)
    relay = OutboxRelay(runtime.bus, [store.claims], settings.service_name)
    desk = RumorDesk(store, relay, load_params(settings.params_file), clock or SystemClock())

    runtime.subscribe(topic=REPORTS_TRIAGED, group="rumor",
                      model=ReportTriaged, handle=desk.on_triaged)

    async def on_start(rt: Runtime) -> None:
        await store.create_indexes()

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")

    topics = {t: DEFAULT_PARTITIONS for t in (REPORTS_TRIAGED, RUMORS_EVENTS, REPORTS_REPLIES)}
    app = build_app(runtime, title="辟谣 Rumor", description="谣言线索聚类、预警与辟谣稿件全网发布。",
                    topics=topics, on_start=on_start, after_kafka=after_kafka)
    app.state.desk = desk
    return app

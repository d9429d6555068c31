"""Rumor: the FastStream/FastAPI app, wiring only. Run: uvicorn services.rumor.app:create_app --factory"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

import httpx
from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.events import ReportTriaged
from libs.common.logs import get_logger
from libs.common.outbox import OutboxRelay
from libs.common.rulefile import watching
from libs.common.waker import Waker, run_worker
from libs.common.service import Runtime, build_app
from libs.common.topics import (
    DEFAULT_PARTITIONS, REPORTS_REPLIES, REPORTS_TRIAGED, RUMORS_EVENTS, dlq_topic, media_topic,
)
from services.rumor import metrics, operator_routes
from services.rumor.website import routes as website_routes
from services.rumor.clustering import word_lists
from services.rumor.context import RumorContext, Site
from services.rumor.delivery.adapters import ChannelAdapter, build_adapters
from services.rumor.delivery.handlers import DeliveryWorker
from services.rumor.publishing.editorial import Editorial
from services.rumor.handlers import RumorDesk
from services.rumor.publishing.matrix import Endpoint, MediaMatrix, load_endpoints_file, load_matrix, resolve_endpoint
from services.rumor.delivery.consumer import MediaConsumer
from services.rumor.delivery.store import MediaStore
from services.rumor.params import load_params
from services.rumor.settings import RumorSettings
from services.rumor.store import RumorStore

log = get_logger(__name__)
# A channel receives a few rebuttals a day: one partition keeps each channel's versions in
# order (publish, correct, withdraw) and is the unit the delivery lanes run on.
MEDIA_PARTITIONS = 1
DESCRIPTION = ("谣言线索聚类与预警；核实查证、辟谣稿件与一键发布到媒体矩阵（网站、小程序、公众号、微博、头条、"
               "辟谣联盟成员单位），各渠道独立投递、重试与死信；举报人答复；网站 Atom 订阅与 ClaimReview 文章页。")


def channel_endpoints(settings: RumorSettings, matrix: MediaMatrix, environ: Mapping[str, str]) -> dict[str, Endpoint]:
    master = settings.secret_key.get_secret_value() if settings.channel_dev_secrets and settings.secret_key else None
    endpoints = load_endpoints_file(settings.channel_endpoints_file)
    return {c.code: resolve_endpoint(c, environ, endpoints=endpoints, url_template=settings.channel_url_template,
                                     dev_master=master) for c in matrix.channels}


def create_app(settings: RumorSettings | None = None, clock: Clock | None = None, *,
               environ: Mapping[str, str] | None = None,
               adapters: Mapping[str, ChannelAdapter] | None = None) -> FastAPI:
    """`environ` (channel endpoints and secrets) and `adapters` are for tests; both default to the real ones."""
    settings = settings or RumorSettings()
    clock = clock or SystemClock()
    runtime = Runtime.create(settings)
    # Claims and deliveries are small collections, and operator commands (republish) write
    # to them from other processes: sweep them often.
    relay = OutboxRelay(runtime.bus, service=settings.service_name, sweep_every_s=5.0, settle_s=2.0)
    store, media = RumorStore(runtime.db, relay), MediaStore(runtime.db, relay)
    matrix = load_matrix(settings.channels_file)
    endpoints = channel_endpoints(settings, matrix, os.environ if environ is None else environ)
    desk = RumorDesk(store, relay, watching(settings.params_file, load_params, name="rumor.params"), clock,
                     word_lists.watched())
    editorial = Editorial(store, media, matrix, settings.public_base_url, clock, relay.poke)
    http = httpx.AsyncClient(timeout=settings.delivery_timeout_s, follow_redirects=False, trust_env=False,
                             limits=httpx.Limits(max_connections=settings.delivery_concurrency))
    worker = DeliveryWorker(media, store, adapters or build_adapters(matrix, endpoints, client=http, store=media, clock=clock),
                            settings.retry_policy(), clock, relay.poke)
    media_topics = [media_topic(code) for code in matrix.codes]
    deliveries = MediaConsumer(settings, runtime.dead_letters, topics=media_topics,
                               group=f"{settings.topic_prefix}rumor-media", handle=worker.on_delivery)

    runtime.subscribe(topic=REPORTS_TRIAGED, group="rumor", model=ReportTriaged, handle=desk.on_triaged,
                      idempotent=True)  # a report already in a claim is not placed again

    async def on_start(rt: Runtime) -> None:
        await store.create_indexes(desk.params.claims, clock.now())
        await media.create_indexes()
        await relay.create_indexes()
        rt.spawn(_gauges(store, settings.gauges_interval_s), "rumor-gauges")
        rt.spawn(_close_at_shutdown(http), "http-client")

    async def after_kafka(rt: Runtime) -> None:
        rt.spawn(relay.run(), "outbox-relay")
        if settings.delivery_enabled:
            rt.spawn(deliveries.run(), "media-deliveries")

    topics = {t: DEFAULT_PARTITIONS for t in (REPORTS_TRIAGED, RUMORS_EVENTS, REPORTS_REPLIES)}
    topics |= {t: MEDIA_PARTITIONS for t in media_topics} | {dlq_topic(t): 1 for t in media_topics}
    app = build_app(runtime, title="辟谣 Rumor", description=DESCRIPTION, topics=topics,
                    on_start=on_start, after_kafka=after_kafka)
    site = Site(settings.site_name or matrix.site_name, settings.public_base_url, media, clock)
    app.state.ctx = RumorContext(settings, editorial, matrix, endpoints, site)
    app.include_router(operator_routes.router)
    app.include_router(website_routes.router)
    app.state.runtime, app.state.desk, app.state.editorial = runtime, desk, editorial
    app.state.deliveries, app.state.matrix, app.state.relay = deliveries, matrix, relay
    return app


async def _gauges(store: RumorStore, interval_s: float) -> None:
    """Gauges that mirror the database are refreshed from it, so every instance reports the truth."""
    async def one_pass() -> bool:
        metrics.CLAIMS_OPEN.set(await store.count_open())
        return False

    # The database down: readiness reports it; the gauge keeps its value until the next pass.
    await run_worker(one_pass, Waker(), interval_s=interval_s, failed_event="gauges_failed")


async def _close_at_shutdown(client: httpx.AsyncClient) -> None:
    """The lifespan cancels every spawned task at shutdown: this one closes the channels' client then."""
    try:
        await asyncio.Event().wait()
    finally:
        await client.aclose()

"""The shell every service runs in: one process serving HTTP and consuming Kafka.

A FastAPI app whose lifespan opens MongoDB, makes sure the topics exist, starts the
FastStream broker (retrying while Kafka is unreachable, so intake keeps accepting reports
into its outbox during an outage) and runs the service's background tasks. Every service
gets `/health/live`, `/health/ready` (Kafka and database reachable), `/metrics`,
`/asyncapi.json` (every topic, libs.common.asyncapi), a request id on every request
(libs.common.request_context) and a consumer-lag probe (libs.common.lag).
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from dataclasses import dataclass, field

from fastapi import Depends, FastAPI, Response
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential

from libs.common import metrics
from libs.common.asyncapi import asyncapi_document
from libs.common.bus import Bus, make_broker
from libs.common.consumer import subscribe
from libs.common.db import database, make_client, ping
from libs.common.dependencies import watch
from libs.common.deadletter import DeadLetters
from libs.common.events import Event
from libs.common.http.access import Authenticator, SessionCheck, access, guard, parse_tokens
from libs.common.http.bodylimit import DEFAULT_MAX_BYTES, BodySizeLimit
from libs.common.http.errors import install_error_handlers
from libs.common.http.openapi import declare_security
from libs.common.inbox import Inbox
from libs.common.kafka_admin import ensure_topics
from libs.common.kafka_auth import client_options
from libs.common.lag import LagProbe, Watch
from libs.common.logs import configure_logging, get_logger
from libs.common.request_context import RequestContext
from libs.common.settings import ServiceSettings
from libs.common.topics import dlq_topic

log = get_logger(__name__)
Hook = Callable[["Runtime"], Awaitable[None]]


@dataclass
class Runtime:
    """What a service's handlers and routes need, opened in the lifespan."""

    settings: ServiceSettings
    broker: KafkaBroker
    bus: Bus
    client: AsyncMongoClient
    db: AsyncDatabase
    inbox: Inbox
    kafka_ready: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)  # topics with a subscriber: they get a DLQ
    watches: set[Watch] = field(default_factory=set)  # (group, topic) pairs whose lag is measured

    @property
    def dead_letters(self) -> DeadLetters:
        return DeadLetters(self.bus, self.settings.service_name, self.db["dead_letters"])

    @classmethod
    def create(cls, settings: ServiceSettings) -> Runtime:
        broker = make_broker(settings)
        client = make_client(settings)
        db = database(client, settings)
        return cls(settings, broker, Bus(broker, settings), client, db, Inbox(db["inbox"]))

    def subscribe(self, *, topic: str, group: str, model: type[Event],
                  handle: Callable[[Any], Awaitable[None]] | None = None,
                  handle_batch: Callable[[list[Any]], Awaitable[None]] | None = None,
                  idempotent: bool = False) -> None:
        """A reliable subscriber (libs.common.consumer) for this service: `handle_batch`
        takes a whole batch of events at once, `handle` one event at a time; `idempotent`:
        the handler is so by its own state, so no inbox is kept."""
        subscribe(self.broker, self.bus, self.inbox, topic=topic, group=group, model=model, handle=handle,
                  handle_batch=handle_batch, service=self.settings.service_name, dead_letters=self.dead_letters,
                  inbox_used=not idempotent)
        self.consumed.add(topic)
        self.watches.add(Watch(group=self.settings.topic(group), topic=topic))  # the Kafka group id

    def spawn(self, coro: Awaitable[None], name: str) -> None:
        self.tasks.append(asyncio.create_task(coro, name=name))  # type: ignore[arg-type]


def build_app(
    runtime: Runtime,
    *,
    title: str,
    topics: dict[str, int],
    on_start: Hook | None = None,
    after_kafka: Hook | None = None,
    description: str = "",
    max_body_bytes: int = DEFAULT_MAX_BYTES,
    body_limits: dict[str, int] | None = None,
    on_too_large: Callable[[str], None] | None = None,
    sessions: SessionCheck | None = None,
) -> FastAPI:
    """`topics` are the design names (without prefix) this service produces or consumes;
    each topic the service consumes also gets its `<topic>.dlq`.

    The HTTP edge (libs.common.http) comes with it: every route needs an operator's
    credentials unless it declares another access; bodies above `max_body_bytes` (or the
    limit of a path prefix in `body_limits`) are refused before they are read; every
    refusal, a 500 included, has the one error body."""
    settings = runtime.settings
    tokens = parse_tokens(settings.operator_tokens.get_secret_value()) if settings.operator_tokens else []
    authenticator = Authenticator(tokens, sessions)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        if on_start:
            await on_start(runtime)
        runtime.spawn(_connect_kafka(runtime, topics, after_kafka), "kafka-connect")
        runtime.spawn(watch(settings.service_name, _checks(runtime)), "dependency-watch")
        log.info("service_started", port=settings.http_port)
        try:
            yield
        finally:
            for task in runtime.tasks:
                task.cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)
            await runtime.broker.stop()
            await runtime.client.close()
            log.info("service_stopped")

    app = FastAPI(title=title, description=description, lifespan=lifespan, dependencies=[Depends(guard(authenticator))])
    app.state.authenticator = authenticator
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes, limits=body_limits, on_refused=on_too_large)
    # Outermost, around the middleware services add later (body limits, ...), so every
    # answer, a 413 or a 500 included, carries the request id and is counted.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: RequestContext(build_stack(), settings.service_name)  # type: ignore[method-assign]
    _add_health_routes(app, runtime)
    declare_security(app)
    return app


async def _connect_kafka(runtime: Runtime, topics: dict[str, int], after_kafka: Hook | None) -> None:
    settings = runtime.settings
    all_topics = {settings.topic(t): n for t, n in topics.items()}
    all_topics |= {settings.topic(dlq_topic(t)): 1 for t in runtime.consumed}
    async for attempt in AsyncRetrying(wait=wait_exponential(multiplier=0.5, max=5), retry=retry_if_exception_type(Exception)):
        with attempt:
            if settings.create_topics:
                await ensure_topics(settings.kafka_bootstrap, all_topics, settings.kafka_replication_factor,
                                    client_options(settings))
            await runtime.broker.start()
    runtime.kafka_ready.set()
    log.info("kafka_connected")
    if runtime.watches:
        runtime.spawn(LagProbe(settings, runtime.watches, settings.lag_probe_interval_s,
                               settings.lag_probe_timeout_s).run(), "consumer-lag")
    if after_kafka:
        await after_kafka(runtime)


def _checks(runtime: Runtime) -> dict[str, Callable[[], Awaitable[bool | None]]]:
    async def mongodb() -> bool:
        return await ping(runtime.client)

    async def kafka() -> bool | None:
        return await runtime.broker.ping(timeout=2.0) if runtime.kafka_ready.is_set() else None

    return {"mongodb": mongodb, "kafka": kafka}


def _add_health_routes(app: FastAPI, runtime: Runtime) -> None:
    service = runtime.settings.service_name

    public = access("public")
    checks = _checks(runtime)

    @app.get("/health/live", tags=["ops"], summary="Liveness: the process answers", openapi_extra=public)
    async def live() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get("/health/ready", tags=["ops"], summary="Readiness: Kafka and the database are reachable", openapi_extra=public)
    async def ready() -> JSONResponse:
        db_ok, kafka_ok = await checks["mongodb"](), bool(await checks["kafka"]())
        metrics.DEPENDENCY_UP.labels(service=service, dependency="mongodb").set(int(db_ok))
        metrics.DEPENDENCY_UP.labels(service=service, dependency="kafka").set(int(kafka_ok))
        ok = db_ok and kafka_ok
        body = {"status": "ready" if ok else "not_ready", "mongodb": db_ok, "kafka": kafka_ok}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False, openapi_extra=public)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/asyncapi.json", tags=["ops"], summary="AsyncAPI 3.1 document of every Kafka topic", openapi_extra=public)
    async def asyncapi() -> dict[str, Any]:
        return asyncapi_document()

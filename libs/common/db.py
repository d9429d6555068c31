"""The async MongoDB client (PyMongo's AsyncMongoClient) and index helpers.

mongo-java-server locally, a replica set in production: the same code, set by MONGO_URI.
Writes wait for a majority and reads see only majority-committed data (the MONGO_WRITE_CONCERN
and MONGO_READ_CONCERN settings). There are no transactions locally, so every state change is one atomic single-document
update, and idempotency rests on unique keys.

Every command a service sends is counted by name (`netreport_db_commands_total`): the
database is the pipeline's bound (INFRA.md), so its cost per report is a figure the
benchmark and the dashboards read, not a guess.
"""
from __future__ import annotations

import pymongo
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from libs.common import metrics
from libs.common.settings import ServiceSettings


class CommandCounter(monitoring.CommandListener):
    """Counts commands and their time by service and command name (insert, find, update, ...)."""

    def __init__(self, service: str) -> None:
        self.service = service

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._count(event.command_name, event.duration_micros, "ok")

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._count(event.command_name, event.duration_micros, "failed")

    def _count(self, command: str, micros: int, outcome: str) -> None:
        metrics.DB_COMMANDS.labels(service=self.service, command=command, outcome=outcome).inc()
        metrics.DB_COMMAND_SECONDS.labels(service=self.service, command=command).inc(micros / 1e6)


def write_concern(settings: ServiceSettings) -> int | str:
    """`MONGO_WRITE_CONCERN` as PyMongo's `w`: a number of members, or a name (majority)."""
    value = settings.mongo_write_concern
    return int(value) if value.isdigit() else value


def make_client(settings: ServiceSettings) -> AsyncMongoClient:
    # Write and read concern from the settings, not left to the URI: a replica-set URI
    # without `w=majority` would silently weaken "a report answered 202 is kept".
    return AsyncMongoClient(
        settings.mongo_uri,
        w=write_concern(settings),
        wTimeoutMS=settings.mongo_write_timeout_ms,
        readConcernLevel=settings.mongo_read_concern,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        appname=settings.service_name,
        event_listeners=[CommandCounter(settings.service_name)],
    )


def database(client: AsyncMongoClient, settings: ServiceSettings) -> AsyncDatabase:
    return client[settings.mongo_db]


async def ping(client: AsyncMongoClient, timeout_s: float = 2.0) -> bool:
    """Within `timeout_s`, not the client's 5 s of server selection: a readiness probe and
    the outage watch (libs.common.dependencies) must answer while the database is away."""
    try:
        with pymongo.timeout(timeout_s):
            await client.admin.command("ping")
        return True
    except Exception:  # readiness only reports; the caller decides
        return False

"""The async MongoDB client (PyMongo's AsyncMongoClient) and index helpers.

mongo-java-server locally, a replica set in production: the same code, set by MONGO_URI.
There are no transactions locally, so every state change is one atomic single-document
update, and idempotency rests on unique keys.
"""
from __future__ import annotations

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from libs.common.settings import ServiceSettings


def make_client(settings: ServiceSettings) -> AsyncMongoClient:
    return AsyncMongoClient(
        settings.mongo_uri,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        appname=settings.service_name,
    )


def database(client: AsyncMongoClient, settings: ServiceSettings) -> AsyncDatabase:
    return client[settings.mongo_db]


async def ping(client: AsyncMongoClient) -> bool:
    try:
        await client.admin.command("ping")
        return True
    except Exception:  # readiness only reports; the caller decides
        return False

"""Creates the topics a service needs, if they are missing (idempotent).

Production may provision topics itself (deploy/kafka/topics.yaml) and turn this off with
KAFKA_CREATE_TOPICS=false; locally each service makes sure its topics and DLQs exist.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from libs.common.logs import get_logger
from libs.common.settings import bootstrap_list

log = get_logger(__name__)
TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(bootstrap: str | list[str], topics: dict[str, int], replication: int = 1,
                        options: Mapping[str, Any] | None = None) -> list[str]:
    """Create missing topics with the given partition counts; return the names created.
    `options`: aiokafka's security options (libs.common.kafka_auth.client_options)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_list(bootstrap), **(options or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, n, replication) for name, n in topics.items() if name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(missing)
        # aiokafka does not raise on errors in the response: read them (INFRA.md).
        errors = [(t[0], t[1]) for t in getattr(response, "topic_errors", []) if t[1] not in (0, TOPIC_ALREADY_EXISTS)]
        if errors:
            raise RuntimeError(f"could not create topics: {errors}")
        created = [t.name for t in missing]
        log.info("topics_created", topics=created)
        return created
    finally:
        await admin.close()

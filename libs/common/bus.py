"""The FastStream Kafka broker and the one way events are published.

Producers are idempotent with acks=all, so a retried send is never written twice to a
partition. Every event is JSON, keyed by `event.key` (case id, or report id before a
case exists) so one case's events stay ordered on one partition.
"""
from __future__ import annotations

from aiokafka.errors import (
    InvalidTopicError, MessageSizeTooLargeError, RecordListTooLargeError, TopicAuthorizationFailedError,
)
from faststream.kafka import KafkaBroker

from libs.common.events import Event
from libs.common.kafka_auth import broker_security
from libs.common.settings import ServiceSettings


# Kafka refuses these for good, however often they are sent: the caller sets the message
# aside instead of retrying it (an outage, by contrast, is retried).
REFUSED = (MessageSizeTooLargeError, RecordListTooLargeError, InvalidTopicError, TopicAuthorizationFailedError)

# Every producer of the system: written once the in-sync replicas all have it (with
# min.insync.replicas=2 on the topics: survives a broker loss), never twice on a retry.
# deploy/kafka/topics.yaml `producer:` says the same; a unit test holds them together.
PRODUCER_SETTINGS: dict[str, str | bool] = {"acks": "all", "enable_idempotence": True}


def make_broker(settings: ServiceSettings) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap,
        client_id=settings.service_name,
        **PRODUCER_SETTINGS,  # type: ignore[arg-type]
        request_timeout_ms=15_000,
        security=broker_security(settings),
        logger=None,  # structlog does the logging; FastStream's per-message lines are noise
    )


def encode(event: Event) -> bytes:
    return event.model_dump_json().encode()


class Bus:
    """Publishes events under the settings' topic prefix."""

    def __init__(self, broker: KafkaBroker, settings: ServiceSettings) -> None:
        self.broker = broker
        self.settings = settings

    async def publish(self, event: Event, topic: str) -> None:
        await self.publish_raw(topic, key=event.key, value=encode(event), event_type=getattr(event, "type", ""))

    async def publish_raw(self, topic: str, *, key: str | None, value: bytes, event_type: str = "") -> None:
        await self.broker.publish(
            value,
            topic=self.settings.topic(topic),
            key=key.encode() if key else None,
            headers={"content-type": "application/json", "event-type": event_type},
        )

"""The test session's Kafka credentials (the broker requires SCRAM): set once by the `infra`
fixture, read by every helper that opens its own Kafka client."""
from __future__ import annotations

from typing import Any

_OPTIONS: dict[str, Any] = {}


def configure(options: dict[str, Any]) -> None:
    _OPTIONS.clear()
    _OPTIONS.update(options)


def kafka_options() -> dict[str, Any]:
    """aiokafka's security options for the session's admin principal (empty: PLAINTEXT)."""
    return dict(_OPTIONS)

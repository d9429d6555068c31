"""Metrics every service shares (prometheus-client), declared once.

Label values are closed sets (topic names, outcomes, error classes); never ids or text.
Service-specific metrics live in each service's own metrics.py.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge

CONSUMED = Counter(
    "netreport_messages_consumed_total",
    "Messages taken from Kafka, by outcome (handled, duplicate, dead_letter, outage)",
    ["service", "topic", "outcome"],
)
DEAD_LETTERS = Counter(
    "netreport_dead_letters_total",
    "Messages sent to a <topic>.dlq topic",
    ["topic", "consumer", "error_type"],
)
OUTBOX_BACKLOG = Gauge(
    "netreport_outbox_backlog",
    "Events stored but not yet published to Kafka",
    ["service"],
)
OUTBOX_PUBLISHED = Counter(
    "netreport_outbox_published_total",
    "Events the outbox relay published",
    ["service"],
)
DEPENDENCY_UP = Gauge(
    "netreport_dependency_up",
    "1 when the dependency answered the last readiness check",
    ["service", "dependency"],
)

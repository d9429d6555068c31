"""Metrics every service shares (prometheus-client), declared once.

Names: `netreport_` prefix, base units in the name (`_seconds`, `_messages`), `_total` on
counters. Label values are closed sets (design topic names without the test prefix,
consumer groups, outcomes, error classes, route templates); never ids or free text.
Service-specific metrics live in each service's own metrics.py. prometheus-client's
default process collector (CPU, memory, open fds) is on in every service; `up` comes
from Prometheus' own scrape.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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

# From Kafka offsets (libs.common.lag), not from what this process happened to see, so
# they are right after a restart and whichever instance of a group reports them.
CONSUMER_LAG = Gauge(
    "netreport_consumer_lag_messages",
    "Messages a consumer group has not committed yet, summed over the topic's partitions",
    ["group", "topic"],
)
DLQ_DEPTH = Gauge(
    "netreport_dlq_depth_messages",
    "Messages held in a dead-letter topic (end minus beginning offsets), by the topic it belongs to",
    ["topic"],
)
LAG_PROBES = Counter(
    "netreport_lag_probes_total",
    "Passes of the consumer-lag probe, by outcome (ok, failed)",
    ["service", "outcome"],
)

# HTTP edge (libs.common.request_context); `route` is the route template, never the raw path.
HTTP_REQUESTS = Counter(
    "netreport_http_requests_total",
    "HTTP requests answered, by route template and status code",
    ["service", "method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "netreport_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["service", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# Database cost (libs.common.db): the local database is the pipeline's bound, so every
# command is counted by name; the benchmark divides these by the reports it sent.
DB_COMMANDS = Counter(
    "netreport_db_commands_total",
    "Database commands sent, by command name (insert, find, update, findAndModify, aggregate, ...) and outcome",
    ["service", "command", "outcome"],
)
DB_COMMAND_SECONDS = Counter(
    "netreport_db_command_seconds_total",
    "Time spent in database commands as the driver measured it, by command name",
    ["service", "command"],
)
CONSUMER_BATCH = Histogram(
    "netreport_consumer_batch_messages",
    "Records handed to a consumer in one batch (libs.common.consumer): larger under load, 1 when idle",
    ["service", "topic"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
OUTBOX_REFUSED = Counter(
    "netreport_outbox_refused_total",
    "Outbox entries Kafka refused for good (too large, invalid or forbidden topic), set aside with the reason",
    ["service", "topic"],
)
DEAD_LETTERS_UNWRITABLE = Counter(
    "netreport_dead_letters_unwritable_total",
    "Dead letters Kafka refused for good (even without the message bytes): kept in the database or the log",
    ["service", "topic"],
)
RULE_RELOADS = Counter(
    "netreport_rule_reloads_total",
    "Rule files read again after an edit, by outcome (loaded, failed: the old rules stay in force)",
    ["rules", "outcome"],
)
RULE_EDIT_REFUSED = Gauge(
    "netreport_rule_edit_refused",
    "1 while the rule file on disk failed to load and the previous rules are in force; 0 once it loads",
    ["rules"],
)

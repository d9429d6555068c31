"""The one registry of Kafka topic names and their partition counts.

Every topic is keyed by case id (or report id before a case exists), so one case's
events stay ordered on one partition.
"""
from __future__ import annotations

REPORTS_SUBMITTED = "reports.submitted"
REPORTS_TRIAGED = "reports.triaged"
REPORTS_REPLIES = "reports.replies"  # replies to reporters, consumed by intake (回复)
CASES_FEEDBACK = "cases.feedback"  # departments answer here
CASES_EVENTS = "cases.events"  # reminder, overdue, escalated, closed, transferred, ...
CASES_TRANSFERRED = "cases.transferred"  # 移交 to another city's center
CASES_TAKEDOWN = "cases.takedown"  # takedown requests to platforms (signed callback)
RUMORS_EVENTS = "rumors.events"  # alert, published, delivered, failed, corrected
DUTY_PAGES = "duty.pages"  # pages to the staff on duty and their escalation (值班呼叫)
DISPATCH_PREFIX = "dispatch."
MEDIA_PREFIX = "media."
DLQ_SUFFIX = ".dlq"

# Partitions decide how far a consumer group can scale out; 6 covers a few instances
# per service on one node and can be raised in production without code changes.
DEFAULT_PARTITIONS = 6
# A department receives a few cases an hour: one partition keeps them in order and keeps
# a directory of hundreds of departments cheap for the broker.
DEPARTMENT_PARTITIONS = 1

CORE_TOPICS: tuple[str, ...] = (
    REPORTS_SUBMITTED,
    REPORTS_TRIAGED,
    REPORTS_REPLIES,
    CASES_FEEDBACK,
    CASES_EVENTS,
    CASES_TRANSFERRED,
    CASES_TAKEDOWN,
    RUMORS_EVENTS,
    DUTY_PAGES,
)


def dispatch_topic(department_code: str) -> str:
    return f"{DISPATCH_PREFIX}{department_code}"


def media_topic(channel_code: str) -> str:
    return f"{MEDIA_PREFIX}{channel_code}"


def dlq_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


def with_prefix(prefix: str, topic: str) -> str:
    """Tests isolate themselves with a topic prefix; production uses none."""
    return f"{prefix}{topic}" if prefix else topic

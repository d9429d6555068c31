"""Intake metrics, declared once, with their label values as closed sets.

The outbox backlog is `netreport_outbox_backlog{service="intake"}` (libs.common.metrics),
set by the relay on every pass.
"""
from __future__ import annotations

from typing import Literal

from prometheus_client import Counter

from libs.common.vocabulary import Channel

ChannelLabel = Channel | Literal["unknown"]
Outcome = Literal[
    "accepted", "rejected_invalid", "rejected_too_large", "rejected_rate_limited",
    "rejected_unauthorized", "rejected_unknown_platform",
]
SignatureFailureReason = Literal["missing", "malformed", "stale", "mismatch", "replayed"]
BatchOutcome = Literal["processed", "replayed", "conflict", "invalid"]
CallbackOutcome = Literal["delivered", "retry", "failed", "rejected", "skipped"]
SnapshotOutcome = Literal["fetched", "gone", "refused", "error"]
LimitScope = Literal["ip", "platform"]

REPORTS_RECEIVED = Counter(
    "netreport_reports_received_total",
    "Reports received by intake, by channel, category hint and outcome (accepted or rejected_<reason>)",
    ["channel", "category_hint", "outcome"],
)
REPLIES_RECORDED = Counter(
    "netreport_replies_recorded_total",
    "Replies to reporters recorded on the status record, by kind",
    ["kind"],
)
WEBHOOK_SIGNATURE_FAILURES = Counter(
    "netreport_webhook_signature_failures_total",
    "Platform webhook calls refused for their signature, by reason",
    ["reason"],
)
WEBHOOK_BATCHES = Counter(
    "netreport_webhook_batches_total",
    "Signed platform batches, by outcome (processed, replayed by idempotency key, conflict, invalid)",
    ["outcome"],
)
RATE_LIMITED = Counter(
    "netreport_intake_rate_limited_total",
    "Requests answered 429, by the key that ran out (ip, platform)",
    ["scope"],
)
VOLUNTEER_REGISTRATIONS = Counter(
    "netreport_volunteer_registrations_total",
    "Volunteers registered (网络举报志愿者)",
)
CALLBACKS = Counter(
    "netreport_platform_callbacks_total",
    "Outcome push-backs to platforms, by outcome of each delivery pass",
    ["outcome"],
)
SNAPSHOTS = Counter(
    "netreport_evidence_snapshots_total",
    "Evidence snapshots of target URLs, by outcome",
    ["outcome"],
)


def received(channel: ChannelLabel, category_hint: str | None, outcome: Outcome) -> None:
    REPORTS_RECEIVED.labels(channel=channel, category_hint=category_hint or "none", outcome=outcome).inc()

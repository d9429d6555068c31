"""Rumor metrics, declared once. Label values are closed sets: outcomes and actions below,
channel codes from the media-matrix data file (the worker refuses any other code)."""
from __future__ import annotations

from typing import Literal

from prometheus_client import Counter, Gauge, Histogram

ReportOutcome = Literal["new_claim", "joined_claim"]
DeliveryOutcome = Literal["delivered", "attempt_failed", "failed", "duplicate"]
Failure = Literal["refused", "retries_exhausted"]
OperatorAction = Literal["verify", "attach", "publish", "correct", "withdraw", "republish"]

RUMOR_REPORTS = Counter("netreport_rumor_reports_total", "Rumor reports clustered, by outcome", ["outcome"])
RUMOR_ALERTS = Counter("netreport_rumor_alerts_total", "Rumor alerts raised (谣言预警)")
CLAIMS_OPEN = Gauge("netreport_claims_open", "Claims not yet verified (待核实)")
CLAIM_SIZE_AT_ALERT = Histogram(
    "netreport_rumor_alert_claim_reports", "Reports a claim had gathered when its alert fired",
    buckets=(5, 10, 20, 50, 100, 200, 500))
OPERATOR_ACTIONS = Counter("netreport_rumor_operator_actions_total", "Operator actions on claims that took effect",
                           ["action"])
REPLIES = Counter("netreport_rumor_replies_total", "Replies to reporters staged (rebuttal, correction)", ["kind"])
DELIVERIES = Counter(
    "netreport_rebuttal_deliveries_total",
    "Rebuttal deliveries to media-matrix channels, by outcome (attempt_failed counts every failed try)",
    ["channel", "outcome"])
DELIVERY_DEAD_LETTERS = Counter(
    "netreport_rebuttal_delivery_dead_letters_total",
    "Deliveries that ended in media.<channel>.dlq: refused by the channel or out of retries",
    ["channel", "failure"])
FANOUT_SECONDS = Histogram(
    "netreport_rebuttal_fanout_seconds",
    "From publishing a rebuttal version to every planned channel having acknowledged it",
    ["action"], buckets=(0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600))

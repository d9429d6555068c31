"""Intake metrics, declared once."""
from __future__ import annotations

from prometheus_client import Counter

REPORTS_RECEIVED = Counter(
    "netreport_reports_received_total",
    "Reports received by intake, by channel, category hint and outcome",
    ["channel", "category_hint", "outcome"],
)
REPLIES_RECORDED = Counter(
    "netreport_replies_recorded_total",
    "Replies to reporters recorded on the status record, by kind",
    ["kind"],
)

"""Rumor metrics, declared once."""
from __future__ import annotations

from typing import Literal

from prometheus_client import Counter, Gauge

RUMOR_REPORTS = Counter("netreport_rumor_reports_total", "Rumor reports clustered, by outcome", ["outcome"])
RUMOR_ALERTS = Counter("netreport_rumor_alerts_total", "Rumor alerts raised (谣言预警)")
CLAIMS_OPEN = Gauge("netreport_rumor_claims_open", "Claims not yet verified")

# One count per delivery attempt of a rebuttal to a media-matrix channel (辟谣全网发布).
# `failed` means the channel's adapter gave up and the delivery went to the DLQ: the
# "media channel failing" alert and the rumor dashboard read this name (deploy/).
DeliveryOutcome = Literal["delivered", "retried", "failed"]
MEDIA_DELIVERIES = Counter(
    "netreport_media_deliveries_total", "Rebuttal deliveries to media-matrix channels, by channel and outcome",
    ["channel", "outcome"],
)

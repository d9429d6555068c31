"""Rumor metrics, declared once."""
from __future__ import annotations

from prometheus_client import Counter, Gauge

RUMOR_REPORTS = Counter("netreport_rumor_reports_total", "Rumor reports clustered, by outcome", ["outcome"])
RUMOR_ALERTS = Counter("netreport_rumor_alerts_total", "Rumor alerts raised (谣言预警)")
CLAIMS_OPEN = Gauge("netreport_claims_open", "Claims not yet verified")

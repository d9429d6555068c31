"""Triage metrics, declared once."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

DECISIONS = Counter(
    "netreport_triage_decisions_total", "Triage decisions by category, severity and validity",
    ["category", "severity", "valid"],
)
CASES = Counter("netreport_triage_case_merges_total", "Reports attached to cases, by how", ["how"])
CONFIDENCE = Histogram(
    "netreport_triage_confidence", "Classifier confidence of triage decisions",
    buckets=(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0),
)

"""Dispatch metrics, declared once. Department codes come from the directory: a closed set."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CASES_DISPATCHED = Counter(
    "netreport_cases_dispatched_total", "Cases handed to a department, by role",
    ["department", "severity", "role"],
)
CASES_TRANSFERRED = Counter("netreport_cases_transferred_total", "Cases transferred to another city's center (移交)")
CASE_EVENTS = Counter("netreport_case_events_total", "Case events raised, by kind", ["kind", "severity"])
CASES_OPEN = Gauge("netreport_cases_open", "Open cases per handling department", ["department", "severity"])
CASES_OVERDUE = Gauge("netreport_cases_overdue", "Open cases past their deadline per department", ["department", "severity"])
FEEDBACK = Counter("netreport_feedback_total", "Department answers on cases.feedback", ["action", "outcome"])
TIME_TO_DISPATCH = Histogram(
    "netreport_time_to_dispatch_seconds", "From report submitted to case dispatched",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
)
TIME_TO_CLOSE = Histogram(
    "netreport_time_to_close_seconds", "From case opened to closed",
    ["severity"], buckets=(60, 600, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 259200, 604800),
)

"""Dispatch metrics, declared once. Label values are closed sets: department codes come from
the directory and platform codes from rules/platforms.yaml, never case ids or free text."""
from __future__ import annotations

from typing import Literal

from prometheus_client import Counter, Gauge, Histogram

from libs.common.events import CaseEvent, Event

CASES_DISPATCHED = Counter(
    "netreport_cases_dispatched_total", "Cases handed to a department, by role",
    ["department", "severity", "role"],
)
CASES_TRANSFERRED = Counter("netreport_cases_transferred_total", "Cases transferred to another city's center (移交)")
CASE_EVENTS = Counter("netreport_case_events_total", "Case events raised, by kind", ["kind", "severity"])
CASES_OPEN = Gauge("netreport_cases_open", "Open cases per handling department", ["department", "severity"])
CASES_OVERDUE = Gauge("netreport_cases_overdue", "Open cases past their deadline per department", ["department", "severity"])
ESCALATIONS = Counter("netreport_case_escalations_total", "Overdue cases escalated one level up (督办)",
                      ["department", "to_department"])
REOPENED = Counter("netreport_cases_reopened_total", "Closed cases opened again", ["reason"])
ReopenReason = Literal["still_online", "severity_raised"]
FEEDBACK = Counter("netreport_feedback_total", "Department answers on cases.feedback", ["action", "outcome"])
TAKEDOWNS = Counter("netreport_takedowns_total", "Takedown requests to platforms, by answer",
                    ["platform", "outcome"])
RECHECKS = Counter("netreport_rechecks_total", "Re-checks (复查) of content said to be removed, by outcome", ["outcome"])
RecheckOutcome = Literal["removed", "still_online", "retry", "inconclusive"]
TIME_TO_DISPATCH = Histogram(
    "netreport_time_to_dispatch_seconds", "From report submitted to case dispatched",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
)
TIME_TO_CLOSE = Histogram(
    "netreport_time_to_close_seconds", "From case opened to closed",
    ["severity"], buckets=(60, 600, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 259200, 604800),
)


def count_case_events(events: list[tuple[Event, str]]) -> None:
    """Count the case events a stored change produced (after it was stored, never before)."""
    for event, _ in events:
        if isinstance(event, CaseEvent):
            CASE_EVENTS.labels(kind=event.kind, severity=event.severity or "none").inc()


# Duty (值班): pages and their escalation, the shift on duty now, the handover.
DUTY_PAGE_STEPS = Counter("netreport_duty_page_steps_total", "Steps of pages to the staff on duty (duty.pages)",
                          ["kind", "step", "level"])
DUTY_PAGES_UNACKNOWLEDGED = Gauge("netreport_duty_pages_unacknowledged", "Pages not yet acknowledged, by the level paged",
                                  ["level"])
DUTY_OLDEST_UNACKNOWLEDGED = Gauge("netreport_duty_page_oldest_unacknowledged_seconds",
                                   "Age of the oldest page nobody has acknowledged (0: none)")
DUTY_ON_SHIFT = Gauge("netreport_duty_on_shift", "The shift on duty now: 1 per role that is rostered, by check-in",
                      ["role", "checked_in"])
DUTY_HANDOVER_PENDING = Gauge("netreport_duty_handover_pending",
                              "1 while the last shift's duty log waits for the incoming A's acknowledgement")

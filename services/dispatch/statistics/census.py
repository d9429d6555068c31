"""The case census: per-department gauges counted from the `cases` collection itself.

They answer the department dashboard's questions (what is about to run out, what is under
督办, what was closed and was it on time) from the stored truth, so they are right after a
restart. Declared here rather than in dispatch/metrics.py because only the census sets
them. A department appears once it has an open case or one closed in the last 30 days,
with zeros where it has none, so "nothing due" is a 0 and not a missing series.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Gauge
from pymongo.asynchronous.collection import AsyncCollection

from libs.common.clock import Clock
from libs.common.logs import get_logger
from libs.common.waker import Waker, run_worker
from services.dispatch.casefile import OPEN_STATUSES
from services.dispatch.statistics.query import census_cases

log = get_logger(__name__)
INTERVAL_S = 120.0  # a scan of the open and recently closed cases (all of them on mongo-java-server): a slow timer, never per message
WINDOWS = {"24h": timedelta(hours=24), "30d": timedelta(days=30)}

DUE_SOON = Gauge("netreport_cases_due_soon", "Open cases past their reminder time (催办) but not yet their deadline, per handling department", ["department"])
ESCALATED = Gauge("netreport_cases_escalated", "Open cases escalated to the level above (督办), per handling department", ["department"])
CLOSED = Gauge("netreport_cases_closed_recent", "Cases closed within the trailing window (24h, 30d) per department, by whether within the deadline",
               ["department", "window", "within_deadline"])


@dataclass
class Census:
    due_soon: dict[str, int] = field(default_factory=dict)
    escalated: dict[str, int] = field(default_factory=dict)
    closed: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (department, window, within_deadline)


def count(cases: Iterable[dict[str, Any]], now: datetime) -> Census:
    """Pure: the census of some case documents at `now`."""
    census = Census()
    for case in cases:
        department = case.get("department_code")
        if not department:
            continue
        for key in (census.due_soon, census.escalated):
            key.setdefault(department, 0)
        for window in WINDOWS:
            for flag in ("true", "false"):
                census.closed.setdefault((department, window, flag), 0)
        if case.get("status") in OPEN_STATUSES:
            reminder, deadline = case.get("reminder_at"), case["deadline_at"]
            census.due_soon[department] += reminder is not None and reminder <= now < deadline
            census.escalated[department] += bool(case.get("escalated_to"))
        elif case.get("closed_at") is not None:
            flag = "true" if case["closed_at"] <= case["deadline_at"] else "false"
            for window, length in WINDOWS.items():
                if case["closed_at"] > now - length:
                    census.closed[(department, window, flag)] += 1
    return census


def publish(census: Census) -> None:
    for gauge in (DUE_SOON, ESCALATED, CLOSED):
        gauge.clear()  # a department that dropped out must not keep its last value
    for department, n in census.due_soon.items():
        DUE_SOON.labels(department=department).set(n)
    for department, n in census.escalated.items():
        ESCALATED.labels(department=department).set(n)
    for (department, window, flag), n in census.closed.items():
        CLOSED.labels(department=department, window=window, within_deadline=flag).set(n)


async def run_census(cases: AsyncCollection, clock: Clock, interval_s: float = INTERVAL_S) -> None:
    async def one_pass() -> bool:
        now = clock.now()
        publish(count(await census_cases(cases, now - max(WINDOWS.values())), now))
        return False

    # The database away for a moment: the gauges keep their last figures until the next pass.
    await run_worker(one_pass, Waker(), interval_s=interval_s, failed_event="census_failed")

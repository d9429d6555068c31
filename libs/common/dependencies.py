"""Kafka and the database, watched: one log line when either goes away and one when it is
back, whatever the traffic, so an outage reads in two lines among the per-message records
(the client libraries' own retry warnings are held back by libs.common.logs). The same
checks keep `netreport_dependency_up` current between readiness probes."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from libs.common import metrics
from libs.common.logs import get_logger

log = get_logger(__name__)
INTERVAL_S = 2.0  # an outage of a few seconds (a database restart) is still seen


async def watch(service: str, checks: dict[str, Callable[[], Awaitable[bool | None]]],
                interval_s: float = INTERVAL_S) -> None:
    """`checks`: dependency -> reachable now (None: not to be judged yet, e.g. Kafka before
    the first connection). Until cancelled."""
    down_since: dict[str, float] = {}
    while True:
        names = list(checks)
        answers = await asyncio.gather(*(checks[n]() for n in names))
        for name, up in zip(names, answers):
            if up is None:
                continue
            metrics.DEPENDENCY_UP.labels(service=service, dependency=name).set(int(up))
            if not up and name not in down_since:
                down_since[name] = time.monotonic()
                log.warning("dependency_unreachable", dependency=name)
            elif up and name in down_since:
                log.info("dependency_reachable_again", dependency=name,
                         down_s=round(time.monotonic() - down_since.pop(name), 1))
        await asyncio.sleep(interval_s)

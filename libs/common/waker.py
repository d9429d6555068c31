"""Background workers that drain a queue of work, sleep until poked, and survive outages.

A worker loop catches `Exception` so an outage never kills it; a cancellation (shutdown)
that a library turned into another exception on the way (PyMongo raises its own
"operation cancelled" error in some races) would then be lost and the shutdown would hang
(seen in the tests). `run_worker` re-raises a pending cancellation, so every loop stops at
its next pause at the latest.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from libs.common.logs import get_logger

log = get_logger(__name__)


def stopping() -> bool:
    """True when this task was asked to stop, even if the CancelledError was swallowed."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class Waker:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def poke(self) -> None:
        self._event.set()

    async def nap(self, seconds: float) -> None:
        if stopping():
            raise asyncio.CancelledError
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            pass
        self._event.clear()


async def run_worker(step: Callable[[], Awaitable[object]], waker: Waker, *, interval_s: float,
                     failed_event: str, failure_pause_s: float = 0.0) -> None:
    """Call `step` while it reports work done (truthy), then nap until poked or `interval_s`.
    A failing pass (the database or Kafka away) is logged as `failed_event` and tried again."""
    while True:
        try:
            while await step():
                pass
        except Exception as exc:
            if stopping():
                raise  # a shutdown that a client library turned into its own error
            log.warning(failed_event, error=repr(exc))
            await waker.nap(failure_pause_s)
        await waker.nap(interval_s)

"""Sleep until poked or until the interval passes, for intake's background workers.

A worker loop catches `Exception` so an outage never kills it; a cancellation (shutdown)
that a library turned into another exception on the way (PyMongo raises its own
"operation cancelled" error in some races) would then be lost and the shutdown would hang
(seen in the tests). `nap` re-raises a pending cancellation, so every loop stops at its
next pause at the latest.
"""
from __future__ import annotations

import asyncio


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

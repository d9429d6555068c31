"""Group commit: concurrent callers' items written together, each caller waiting for its own result.

While one flush is at the database, the items that arrive queue up and go in the next
flush, so under load many requests share one round trip and when idle each is written
alone at once (no timer, no added latency). A failing flush fails exactly the callers
whose items it carried.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(self, flush: Callable[[list[T]], Awaitable[Sequence[R]]], max_batch: int = 200) -> None:
        self._flush = flush
        self._max = max_batch
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await future

    async def submit_many(self, items: Sequence[T]) -> list[R]:
        return list(await asyncio.gather(*(self.submit(item) for item in items)))

    async def _drain(self) -> None:
        while self._queue:
            taken, self._queue = self._queue[:self._max], self._queue[self._max:]
            try:
                results = await self._flush([item for item, _ in taken])
            except BaseException as exc:  # noqa: BLE001 - handed to the callers, who raise it
                for _, future in taken:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for (_, future), result in zip(taken, results, strict=True):
                if not future.done():
                    future.set_result(result)

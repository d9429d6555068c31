"""Delivering case outcomes to platforms' callback URLs, reliably (结果回传).

The reply handler queues one callback per outcome (CallbackStore, keyed by the reply's event
id); this worker claims due callbacks, POSTs them signed (httpx, with tenacity retrying a
few times at once), and on failure tries again later with growing pauses, ending `failed`
after `callback_max_attempts` passes: visible in the database and in metrics, never dropped.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from libs.common import signing
from libs.common.clock import Clock
from libs.common.logs import get_logger
from libs.common.waker import Waker, run_worker
from services.intake import metrics, outcomes
from services.intake.registry import PlatformRegistry
from services.intake.store.callbacks import CallbackStore

log = get_logger(__name__)
LEASE = timedelta(minutes=2)


class CallbackSender(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...


class _RetryableStatus(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class HttpCallbackSender:
    """httpx with tenacity: three quick tries per pass on connection errors and 5xx/429."""

    def __init__(self, timeout_s: float, attempts: int = 3) -> None:
        self.timeout_s = timeout_s
        self.attempts = attempts

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        async with httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=False, trust_env=False) as client:
            try:
                async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self.attempts), wait=wait_exponential(multiplier=0.5, max=4),
                    retry=retry_if_exception_type((httpx.TransportError, _RetryableStatus)), reraise=True,
                ):
                    with attempt:
                        response = await client.post(url, content=body, headers=headers)
                        if outcomes.verdict_for(response.status_code) == "retry":
                            raise _RetryableStatus(response.status_code)
                        return response.status_code
            except _RetryableStatus as exc:
                return exc.status
        raise AssertionError("unreachable")


class CallbackDeliverer:
    def __init__(self, store: CallbackStore, registry: PlatformRegistry, sender: CallbackSender, clock: Clock,
                 *, max_attempts: int, interval_s: float) -> None:
        self.store, self.registry, self.sender, self.clock = store, registry, sender, clock
        self.max_attempts, self.interval_s = max_attempts, interval_s
        self._waker = Waker()

    def poke(self) -> None:
        self._waker.poke()

    async def run(self) -> None:
        await run_worker(self.deliver_one, self._waker, interval_s=self.interval_s, failed_event="callback_pass_failed")

    async def deliver_one(self) -> bool:
        """Deliver one due callback; False when none is due."""
        now = self.clock.now()
        job = await self.store.claim_due(now=now, lease=LEASE)
        if job is None:
            return False
        platform = await self.registry.active(job["platform_id"])
        if platform is None or not platform.callback_url:
            await self._finish(job, "skipped", error="platform inactive or without callback_url")
            return True
        body = outcomes.encode(job["payload"])
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Event-Id": job["_id"],
                   "X-Platform-Id": platform.id, **signing.signed_headers(platform.secret, int(now.timestamp()), body)}
        try:
            status: int | None = await self.sender.post(platform.callback_url, body, headers)
            error = None if status is None else f"HTTP {status}"
        except Exception as exc:  # connection refused, timeout, TLS: the platform's side
            status, error = None, f"{type(exc).__name__}: {exc}"[:500]
        verdict = outcomes.verdict_for(status) if status is not None else "retry"
        if verdict == "delivered":
            await self._finish(job, "delivered", status=status)
        elif verdict == "rejected":
            await self._finish(job, "rejected", status=status, error=error)
        else:
            await self._again(job, status, error or "")
        return True

    async def _finish(self, job: dict[str, Any], state: str, *, status: int | None = None, error: str | None = None) -> None:
        await self.store.finish(callback_id=job["_id"], state=state, now=self.clock.now(),
                                attempts=job["attempts"] + 1, error=error, status=status)
        metrics.CALLBACKS.labels(outcome=state).inc()
        log.info("callback_" + state, platform_id=job["platform_id"], report_id=job["report_id"], status=status)

    async def _again(self, job: dict[str, Any], status: int | None, error: str) -> None:
        attempts = job["attempts"] + 1
        if attempts >= self.max_attempts:
            await self._finish(job, "failed", status=status, error=error)
            return
        at = self.clock.now() + outcomes.retry_delay(attempts)
        await self.store.retry_later(callback_id=job["_id"], at=at, attempts=attempts, error=error, status=status)
        metrics.CALLBACKS.labels(outcome="retry").inc()
        log.warning("callback_retry", platform_id=job["platform_id"], attempts=attempts, error=error)

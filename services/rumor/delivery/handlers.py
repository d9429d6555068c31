"""Delivering one rebuttal version to one channel (媒体矩阵投递), once.

load the delivery's status → skip if the channel already acknowledged it → send through
the channel's adapter, retrying with exponential backoff (tenacity) while the failure is
retryable → store the outcome with its rumors.events entry → count the fan-out. When the
retry budget is spent (or the channel refuses), the delivery is stored as failed and a
`PermanentError` hands the original message to `<topic>.dlq` with the reason.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from libs.common.clock import Clock
from libs.common.consumer import PermanentError
from libs.common.events import MediaDelivery, RumorEvent, derive_event_id
from libs.common.logs import get_logger
from libs.common.topics import RUMORS_EVENTS
from services.rumor import metrics
from services.rumor.delivery.adapters import ChannelAdapter, DeliveryRefused, Receipt, RetryableDeliveryError
from services.rumor.delivery.store import MediaStore
from services.rumor.store import RumorStore

log = get_logger(__name__)


class RetryPolicy(BaseModel):
    """How hard to try one channel before its delivery goes to the DLQ.

    The whole budget must stay well under Kafka's max.poll.interval (5 min): the channel's
    lane holds its partition while it waits. A channel down for longer is re-published.
    """

    model_config = ConfigDict(frozen=True)
    attempts: int = Field(6, ge=1)
    backoff_s: float = Field(1.0, gt=0)  # first pause; doubles each time, with jitter
    backoff_max_s: float = Field(30.0, gt=0)


@dataclass
class DeliveryWorker:
    media: MediaStore
    claims: RumorStore
    adapters: Mapping[str, ChannelAdapter]
    policy: RetryPolicy
    clock: Clock
    staged: Callable[[], None] = lambda: None  # wakes the outbox relay

    async def on_delivery(self, delivery: MediaDelivery) -> None:
        adapter = self.adapters.get(delivery.channel)
        if adapter is None:
            raise PermanentError(f"channel {delivery.channel!r} is not in the media matrix")
        # The delivery's own document is its idempotency record (this consumer keeps no inbox).
        ended = await self.media.ended(delivery.event_id)
        if ended and ended["status"] == "delivered":
            metrics.DELIVERIES.labels(channel=delivery.channel, outcome="duplicate").inc()
            return  # the channel acknowledged it already: never send it twice
        if ended:  # redelivered after it was dead-lettered
            raise PermanentError(ended.get("reason", "delivery failed"))
        try:
            receipt = await self._send(adapter, delivery)
        except (RetryableDeliveryError, DeliveryRefused) as exc:
            await self._failed(delivery, exc)
            raise PermanentError(f"{delivery.channel}: {exc}") from exc
        await self._delivered(delivery, receipt)

    async def _send(self, adapter: ChannelAdapter, delivery: MediaDelivery) -> Receipt:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=wait_exponential_jitter(multiplier=self.policy.backoff_s, max=self.policy.backoff_max_s,
                                         jitter=self.policy.backoff_s / 2),
            retry=retry_if_exception_type(RetryableDeliveryError),
            reraise=True,
        ):
            with attempt:
                try:
                    return await adapter.deliver(delivery)
                except (RetryableDeliveryError, DeliveryRefused) as exc:
                    await self.media.attempt_failed(delivery, str(exc), self.clock.now())
                    metrics.DELIVERIES.labels(channel=delivery.channel, outcome="attempt_failed").inc()
                    log.warning("delivery_attempt_failed", channel=delivery.channel, error=str(exc),
                                attempt=attempt.retry_state.attempt_number)
                    raise
        raise AssertionError("unreachable: tenacity reraises the last error")

    async def _delivered(self, delivery: MediaDelivery, receipt: Receipt) -> None:
        now = self.clock.now()
        event = RumorEvent(event_id=derive_event_id(delivery.event_id, "delivered"), claim_id=delivery.claim_id,
                           kind="delivered", channel=delivery.channel, rebuttal_id=delivery.rebuttal_id,
                           detail=receipt.detail[:200],
                           data={"version": delivery.version, "action": delivery.action, "delivery_id": delivery.event_id})
        if not await self.media.finish(delivery, status="delivered", now=now, events=[(event, RUMORS_EVENTS)],
                                       detail={"http_status": receipt.http_status, "receipt": receipt.detail[:200]}):
            return  # a concurrent copy of this delivery got there first and counted it
        metrics.DELIVERIES.labels(channel=delivery.channel, outcome="delivered").inc()
        started = await self.claims.record_delivered(delivery.claim_id, delivery.version, delivery.channel, now)
        if started is not None:  # exactly one worker sees the last channel land
            metrics.FANOUT_SECONDS.labels(action=delivery.action).observe((now - started).total_seconds())
            log.info("fanout_completed", claim_id=delivery.claim_id, version=delivery.version)
        self.staged()

    async def _failed(self, delivery: MediaDelivery, exc: Exception) -> None:
        reason = str(exc)[:500]
        kind = "refused" if isinstance(exc, DeliveryRefused) else "retries_exhausted"
        event = RumorEvent(event_id=derive_event_id(delivery.event_id, "delivery_failed"), claim_id=delivery.claim_id,
                           kind="delivery_failed", channel=delivery.channel, rebuttal_id=delivery.rebuttal_id,
                           detail=reason, data={"version": delivery.version, "action": delivery.action,
                                                "delivery_id": delivery.event_id, "failure": kind})
        await self.media.finish(delivery, status="failed", now=self.clock.now(),
                                detail={"reason": reason, "failure": kind}, events=[(event, RUMORS_EVENTS)])
        metrics.DELIVERIES.labels(channel=delivery.channel, outcome="failed").inc()
        metrics.DELIVERY_DEAD_LETTERS.labels(channel=delivery.channel, failure=kind).inc()
        log.error("delivery_failed", channel=delivery.channel, reason=reason, failure=kind)
        self.staged()

"""The delivery worker with recording test doubles: backoff retries through a channel's bad
minutes, a refusal is not retried, an exhausted budget stores the reason and hands the
message to the DLQ, and a delivered message is never sent again."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from libs.common.clock import ManualClock
from libs.common.consumer import PermanentError
from libs.common.events import MediaDelivery
from services.rumor.delivery.adapters import DeliveryRefused, Receipt, RetryableDeliveryError
from services.rumor.delivery.handlers import DeliveryWorker, RetryPolicy

T0 = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)


class FakeMedia:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.staged: list[Any] = []

    async def ended(self, delivery_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(delivery_id)
        return doc if doc and doc.get("status") in ("delivered", "failed") else None

    async def attempt_failed(self, d: MediaDelivery, error: str, now: datetime) -> None:
        doc = self.docs.setdefault(d.event_id, {"attempts": 0})
        doc |= {"status": "retrying", "last_error": error, "attempts": doc["attempts"] + 1}

    async def finish(self, d: MediaDelivery, *, status: str, now: datetime, detail: dict[str, Any],
                     events: list[Any]) -> bool:
        doc = self.docs.setdefault(d.event_id, {"attempts": 0})
        if doc.get("status") == "delivered":
            return False
        doc |= {"status": status, **detail}
        self.staged += [e for e, _ in events]
        return True


class FakeClaims:
    def __init__(self) -> None:
        self.delivered: list[str] = []

    async def record_delivered(self, claim_id: str, version: int, channel: str, now: datetime) -> datetime | None:
        self.delivered.append(channel)
        return None


class ScriptedChannel:
    """Answers from a script of exceptions (None = accept) and records every call."""

    def __init__(self, *script: Exception | None) -> None:
        self.script, self.calls = list(script), 0

    async def deliver(self, delivery: MediaDelivery) -> Receipt:
        self.calls += 1
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        return Receipt(http_status=200, detail="ok")


def worker(channel: ScriptedChannel, attempts: int = 4) -> tuple[DeliveryWorker, FakeMedia]:
    media = FakeMedia()
    w = DeliveryWorker(media, FakeClaims(), {"weibo": channel},  # type: ignore[arg-type]
                       RetryPolicy(attempts=attempts, backoff_s=0.001, backoff_max_s=0.002), ManualClock(T0))
    return w, media


def delivery() -> MediaDelivery:
    return MediaDelivery(channel="weibo", claim_id="clm-1", rebuttal_id="rbt-1", version=1, title="t", body="b",
                         authority="a")


async def test_a_channel_that_fails_twice_then_recovers_gets_it_on_the_third_try_and_never_again():
    channel = ScriptedChannel(RetryableDeliveryError("HTTP 503"), RetryableDeliveryError("timeout"), None)
    w, media = worker(channel)
    d = delivery()
    await w.on_delivery(d)
    assert channel.calls == 3 and media.docs[d.event_id]["status"] == "delivered"
    assert media.docs[d.event_id]["last_error"] == "timeout" and [e.kind for e in media.staged] == ["delivered"]
    await w.on_delivery(d)  # redelivered by Kafka: the stored status stops it
    assert channel.calls == 3


async def test_a_refusal_is_not_retried_and_goes_to_the_dlq_with_the_reason():
    channel = ScriptedChannel(DeliveryRefused("HTTP 401: bad signature"))
    w, media = worker(channel)
    with pytest.raises(PermanentError, match="HTTP 401"):
        await w.on_delivery(delivery())
    assert channel.calls == 1
    [event] = media.staged
    assert event.kind == "delivery_failed" and event.data["failure"] == "refused"


async def test_a_channel_that_never_recovers_uses_the_whole_budget_then_stays_failed():
    channel = ScriptedChannel(*[RetryableDeliveryError("HTTP 503")] * 10)
    w, media = worker(channel, attempts=4)
    d = delivery()
    with pytest.raises(PermanentError, match="HTTP 503"):
        await w.on_delivery(d)
    assert channel.calls == 4 and media.docs[d.event_id]["reason"] == "HTTP 503"
    assert media.staged[-1].data["failure"] == "retries_exhausted"
    with pytest.raises(PermanentError):  # redelivered after the DLQ: dead-lettered again, not re-sent
        await w.on_delivery(d)
    assert channel.calls == 4


async def test_a_channel_outside_the_matrix_is_refused():
    w, _ = worker(ScriptedChannel())
    with pytest.raises(PermanentError, match="not in the media matrix"):
        await w.on_delivery(delivery().model_copy(update={"channel": "unknown"}))

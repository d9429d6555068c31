"""One interface for every channel of the media matrix, and the adapters behind it.

An adapter delivers one `MediaDelivery` or says why not: `RetryableDeliveryError` (the
channel may take it later: timeouts, 5xx, 429) or `DeliveryRefused` (it never will as
things stand: 4xx, no endpoint or secret configured). Retries, backoff and the DLQ belong
to the delivery worker, not to adapters, so every channel gets the same guarantees.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import httpx
from pydantic import BaseModel, ConfigDict

from libs.common.clock import Clock
from libs.common.events import MediaDelivery
from services.rumor.delivery import signing
from services.rumor.publishing.matrix import Endpoint, MediaMatrix
from services.rumor.delivery.store import MediaStore
from services.rumor.website.article import Article

# Worth another try: the channel is overloaded, restarting or timed out on its side.
RETRY_STATUSES = frozenset({408, 425, 429})


class Receipt(BaseModel):
    model_config = ConfigDict(frozen=True)
    http_status: int | None = None
    detail: str = ""


class RetryableDeliveryError(Exception):
    """The channel did not take it this time; the same delivery may succeed later."""


class DeliveryRefused(Exception):
    """The channel will not take it until someone changes something (config, payload)."""


class ChannelAdapter(Protocol):
    async def deliver(self, delivery: MediaDelivery) -> Receipt: ...


class WebhookAdapter:
    """Signed POST of the delivery as JSON; the channel dedupes on the Idempotency-Key header."""

    def __init__(self, endpoint: Endpoint, client: httpx.AsyncClient, clock: Clock) -> None:
        self.endpoint, self.client, self.clock = endpoint, client, clock

    async def deliver(self, delivery: MediaDelivery) -> Receipt:
        if self.endpoint.problem or not self.endpoint.url or not self.endpoint.secret:
            raise DeliveryRefused(self.endpoint.problem or "not configured")
        body = delivery.model_dump_json().encode()
        # Signed afresh on every attempt (new timestamp), with the same idempotency key.
        headers = signing.delivery_headers(self.endpoint.secret, int(self.clock.now().timestamp()), body,
                                           idempotency_key=delivery.event_id, channel=delivery.channel)
        try:
            response = await self.client.post(self.endpoint.url, content=body, headers=headers)
        except httpx.TransportError as exc:
            raise RetryableDeliveryError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        text = response.text[:200]
        if response.is_success:
            return Receipt(http_status=response.status_code, detail=text)
        if response.status_code in RETRY_STATUSES or response.status_code >= 500:
            raise RetryableDeliveryError(f"HTTP {response.status_code}: {text}")
        raise DeliveryRefused(f"HTTP {response.status_code}: {text}")


class WebsiteAdapter:
    """The center's own site: the article is stored and served by this service."""

    def __init__(self, store: MediaStore) -> None:
        self.store = store

    async def deliver(self, delivery: MediaDelivery) -> Receipt:
        stored = await self.store.put_article(Article.from_delivery(delivery))
        return Receipt(detail="stored" if stored else "a newer version is already online")


def build_adapters(matrix: MediaMatrix, endpoints: Mapping[str, Endpoint], *, client: httpx.AsyncClient,
                   store: MediaStore, clock: Clock) -> dict[str, ChannelAdapter]:
    adapters: dict[str, ChannelAdapter] = {}
    for spec in matrix.channels:
        if spec.adapter == "website":
            adapters[spec.code] = WebsiteAdapter(store)
        else:
            adapters[spec.code] = WebhookAdapter(endpoints[spec.code], client, clock)
    return adapters

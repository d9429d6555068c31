"""The one outbound signed webhook with retries (libs.common.signing's scheme): dispatch's
takedown requests to platforms and its pages to an SMS/IM gateway. Signed afresh on every
attempt (the receiver checks the timestamp's age), with the same Idempotency-Key, so the
receiver applies a retried request once; connection errors, 408/425/429 and 5xx are
retried with exponential backoff (tenacity)."""
from __future__ import annotations

import time

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from libs.common import signing


class PostFailed(Exception):
    """Down after every retry (or no answer at all)."""


class _Retryable(Exception):
    pass


def is_retryable(status_code: int) -> bool:
    """Worth another try: the receiver is overloaded or down, not refusing this request."""
    return status_code in (408, 425, 429) or status_code >= 500


class SignedPoster:
    def __init__(self, *, attempts: int = 4, timeout_s: float = 10.0, backoff_s: float = 0.5) -> None:
        self.attempts, self.timeout_s, self.backoff_s = attempts, timeout_s, backoff_s

    async def post(self, url: str, body: bytes, secret: str, *, idempotency_key: str | None = None) -> tuple[int, bytes]:
        """The receiver's final answer (status, body); a non-retryable refusal is returned, not raised."""
        extra = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s, trust_env=False) as client:
                async for attempt in AsyncRetrying(
                        stop=stop_after_attempt(self.attempts), reraise=True,
                        wait=wait_exponential(multiplier=self.backoff_s, max=30),
                        retry=retry_if_exception_type((httpx.TransportError, _Retryable))):
                    with attempt:
                        headers = {**signing.signed_headers(secret, int(time.time()), body),
                                   "Content-Type": "application/json", **extra}
                        response = await client.post(url, content=body, headers=headers)
                        if is_retryable(response.status_code):
                            raise _Retryable(f"HTTP {response.status_code}")
                        return response.status_code, response.content
        except (httpx.HTTPError, _Retryable) as exc:
            raise PostFailed(f"{url}: {exc!r}") from exc
        raise PostFailed(url)  # unreachable: the loop returns or raises

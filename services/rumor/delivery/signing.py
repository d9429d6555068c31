"""The headers of a rebuttal delivery to a webhook channel. Pure: no I/O.

The system's one signature scheme (libs.common.signing), so a member unit that already
integrates with the center verifies both the same way:

    X-Timestamp: unix seconds
    X-Signature: hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))
    Idempotency-Key: the delivery's event id (the same on every retry and redelivery)

The timestamp is inside the signed text, so a captured request stops being usable once it
falls outside the receiver's clock-skew window.
"""
from __future__ import annotations

from libs.common import signing
from libs.common.signing import sign

__all__ = ["delivery_headers", "sign", "verify"]


def delivery_headers(secret: str, timestamp: int, body: bytes, *, idempotency_key: str, channel: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Timestamp": str(timestamp),
        "X-Signature": sign(secret, timestamp, body),
        "Idempotency-Key": idempotency_key,
        "X-Channel": channel,
    }


def verify(secret: str, *, timestamp: str | None, signature: str | None, body: bytes, now: float, skew_s: int = 300) -> bool:
    """What a receiving channel does: authentic and fresh, or refuse."""
    return signing.verify(secret, timestamp=timestamp, signature=signature, body=body, now=now, skew_s=skew_s) is None

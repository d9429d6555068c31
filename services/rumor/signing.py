"""Signing of rebuttal deliveries to webhook channels. Pure: no I/O.

The same scheme intake uses for platform webhooks, so a member unit that already integrates
with the center verifies both the same way:

    X-Timestamp: unix seconds
    X-Signature: hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))
    Idempotency-Key: the delivery's event id (the same on every retry and redelivery)

The timestamp is inside the signed text, so a captured request stops being usable once it
falls outside the receiver's clock-skew window.
"""
from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


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
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.lower()):
        return False
    return abs(now - int(timestamp)) <= skew_s

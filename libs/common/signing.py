"""The one HMAC signature scheme of the system, every direction: platforms → intake (report
webhooks), intake → platforms (outcome push-back), dispatch → platforms (takedown
requests) and back (their answers), rumor → media-matrix channels (rebuttals):

    X-Timestamp: unix seconds
    X-Signature: hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))

The timestamp inside the signed text plus a clock-skew window bounds how long a captured
request stays usable; within the window, replay protection (a unique index on the
signature, in the receiving store) refuses a second use. `sign_fields` is the same HMAC
over named fields, for messages that travel on Kafka (department feedback); `derive_key`
the same HMAC again, over a label, for a key derived from a master key (a department's key,
a platform's or channel's local-run secret, an Open311 api_key). Pure.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Literal

SignatureFailure = Literal["missing", "malformed", "stale", "mismatch", "replayed"]

FAILURE_ZH: dict[str, str] = {
    "missing": "缺少签名请求头（X-Timestamp、X-Signature）",
    "malformed": "签名请求头格式不正确",
    "stale": "请求时间戳超出允许的时钟偏差，请同步时钟后重新签名",
    "mismatch": "签名校验失败",
    "replayed": "该签名已使用过（重放请求）；重试请用新的时间戳重新签名，并沿用同一幂等键",
}


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"X-Timestamp": str(timestamp), "X-Signature": sign(secret, timestamp, body)}


def derive_key(master: str, label: str) -> str:
    """hex(HMAC-SHA256(master, label)): one key per label from one secret, none guessable from
    another."""
    return hmac.new(master.encode(), label.encode(), hashlib.sha256).hexdigest()


def sign_fields(secret: str | bytes, *fields: object) -> str:
    """hex(HMAC-SHA256(secret, the fields as text joined by newlines)); None is the empty text."""
    key = secret if isinstance(secret, bytes) else secret.encode()
    text = "\n".join("" if f is None else str(f) for f in fields)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def fields_match(secret: str | bytes, signature: str | None, *fields: object) -> bool:
    return bool(signature) and hmac.compare_digest(sign_fields(secret, *fields), (signature or "").lower())


def verify(
    secret: str, *, timestamp: str | None, signature: str | None, body: bytes, now: float, skew_s: int,
) -> SignatureFailure | None:
    """None when the request is authentic and fresh, else why not (replay is the store's check)."""
    if not timestamp or not signature:
        return "missing"
    if not timestamp.isdigit() or len(timestamp) > 12 or len(signature) != 64:
        return "malformed"
    try:
        bytes.fromhex(signature)
    except ValueError:
        return "malformed"
    # Verify before judging time, so a stale request with a wrong signature reads as forged.
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.lower()):
        return "mismatch"
    if abs(now - int(timestamp)) > skew_s:
        return "stale"
    return None

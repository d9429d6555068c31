"""Signing of deliveries to webhook channels: HMAC-SHA256 over "<timestamp>.<body>"."""
from __future__ import annotations

import hashlib
import hmac

from services.rumor.delivery.signing import delivery_headers, sign, verify

SECRET = "channel-secret-0123456789"
BODY = '{"title":"辟谣"}'.encode()


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, BODY) == expected


def test_headers_carry_the_signature_the_timestamp_and_the_delivery_id_as_idempotency_key():
    headers = delivery_headers(SECRET, 1700000000, BODY, idempotency_key="evt-1", channel="weibo")
    assert headers["X-Timestamp"] == "1700000000" and headers["Idempotency-Key"] == "evt-1"
    assert headers["X-Channel"] == "weibo" and headers["X-Signature"] == sign(SECRET, 1700000000, BODY)


def test_a_receiver_accepts_the_genuine_request_and_refuses_tampered_stale_or_foreign_ones():
    ts = "1700000000"
    good = sign(SECRET, ts, BODY)
    assert verify(SECRET, timestamp=ts, signature=good, body=BODY, now=1700000100)
    assert not verify(SECRET, timestamp=ts, signature=good, body=BODY + b" ", now=1700000100)
    assert not verify(SECRET, timestamp=ts, signature=good, body=BODY, now=1700001000)
    assert not verify("another-secret-012345", timestamp=ts, signature=good, body=BODY, now=1700000100)
    assert not verify(SECRET, timestamp=None, signature=good, body=BODY, now=1700000100)

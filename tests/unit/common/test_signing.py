"""The webhook signature scheme: HMAC-SHA256 over f"{timestamp}.{body}", fresh, exact."""
from __future__ import annotations

import hashlib
import hmac

from libs.common import signing

SECRET = "platform-secret-0123456789"
BODY = '{"reports":[{"text":"有人在群里发赌博链接"}]}'.encode()
NOW = 1_800_000_000


def test_signature_is_hex_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signing.sign(SECRET, NOW, BODY) == expected
    assert signing.signed_headers(SECRET, NOW, BODY) == {"X-Timestamp": str(NOW), "X-Signature": expected}


def test_a_right_fresh_signature_passes_in_either_hex_case():
    sig = signing.sign(SECRET, NOW, BODY)
    assert signing.verify(SECRET, timestamp=str(NOW), signature=sig, body=BODY, now=NOW + 10, skew_s=300) is None
    assert signing.verify(SECRET, timestamp=str(NOW), signature=sig.upper(), body=BODY, now=NOW, skew_s=300) is None


def test_a_changed_body_another_secret_or_timestamp_is_a_mismatch():
    sig = signing.sign(SECRET, NOW, BODY)
    assert signing.verify(SECRET, timestamp=str(NOW), signature=sig, body=BODY + b" ", now=NOW, skew_s=300) == "mismatch"
    assert signing.verify("another-secret-0123456", timestamp=str(NOW), signature=sig, body=BODY, now=NOW, skew_s=300) == "mismatch"
    assert signing.verify(SECRET, timestamp=str(NOW + 1), signature=sig, body=BODY, now=NOW, skew_s=300) == "mismatch"


def test_a_timestamp_outside_the_skew_window_is_stale_both_ways():
    for ts in (NOW - 301, NOW + 301):
        sig = signing.sign(SECRET, ts, BODY)
        assert signing.verify(SECRET, timestamp=str(ts), signature=sig, body=BODY, now=NOW, skew_s=300) == "stale"


def test_missing_and_malformed_headers_are_named_as_such():
    assert signing.verify(SECRET, timestamp=None, signature="a" * 64, body=BODY, now=NOW, skew_s=300) == "missing"
    assert signing.verify(SECRET, timestamp=str(NOW), signature="", body=BODY, now=NOW, skew_s=300) == "missing"
    assert signing.verify(SECRET, timestamp="yesterday", signature="a" * 64, body=BODY, now=NOW, skew_s=300) == "malformed"
    assert signing.verify(SECRET, timestamp=str(NOW), signature="zz" * 32, body=BODY, now=NOW, skew_s=300) == "malformed"
    assert signing.verify(SECRET, timestamp=str(NOW), signature="ab", body=BODY, now=NOW, skew_s=300) == "malformed"


def test_every_failure_has_a_chinese_explanation():
    assert set(signing.FAILURE_ZH) == {"missing", "malformed", "stale", "mismatch", "replayed"}

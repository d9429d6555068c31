"""Evidence snapshots: which addresses may be fetched, and a hash chain that shows tampering."""
from __future__ import annotations

import hashlib
import ipaddress
from datetime import UTC, datetime

import pytest

from services.intake.snapshot import (
    GENESIS, FetchResult, address_refusal, canonical, chain_hash, first_broken_link, first_refusal,
    outcome_for_status, record_for,
)


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.1.1", "private"),
    ("172.16.0.9", "private"), ("169.254.169.254", "link_local"), ("fe80::1", "link_local"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"),
    ("100.64.0.1", "not_global"), ("::ffff:127.0.0.1", "loopback"), ("fc00::1", "private"),
])
def test_internal_addresses_are_refused_with_the_reason(address, reason):
    assert address_refusal(address) == reason


def test_public_addresses_pass_and_an_allow_list_opens_a_private_one():
    assert address_refusal("203.0.113.9") is not None  # documentation range: not global
    assert address_refusal("114.114.114.114") is None
    assert address_refusal("2400:3200::1") is None
    loopback = [ipaddress.ip_network("127.0.0.1/32")]
    assert address_refusal("127.0.0.1", loopback) is None
    assert address_refusal("127.0.0.2", loopback) == "loopback"


def test_a_host_is_refused_if_any_of_its_addresses_is_internal():
    assert first_refusal(["114.114.114.114", "10.0.0.7"]) == "private:10.0.0.7"
    assert first_refusal(["114.114.114.114"]) is None


def test_gone_content_is_recorded_as_gone():
    assert outcome_for_status(404) == outcome_for_status(410) == "gone"
    assert outcome_for_status(200) == outcome_for_status(500) == "fetched"


def _result(url: str, body: bytes, status: int = 200) -> FetchResult:
    return FetchResult(requested_url=url, final_url=url, outcome=outcome_for_status(status), status=status,
                       headers=[("content-type", "text/html; charset=utf-8")], sha256=hashlib.sha256(body).hexdigest(),
                       size=len(body), fetched_at=datetime(2026, 11, 23, 8, 30, 0, 123456, tzinfo=UTC))


def _chain(results: list[FetchResult]) -> list[dict]:
    records, prev = [], GENESIS
    for seq, result in enumerate(results, start=1):
        record = record_for(result, seq=seq, report_id=f"r{seq}", prev_hash=prev)
        record["hash"] = prev = chain_hash(prev, record)
        records.append(record)
    return records


def test_each_record_hash_is_sha256_of_the_previous_hash_and_the_canonical_record():
    records = _chain([_result("https://a.example.cn/1", b"<html>1</html>"), _result("https://a.example.cn/2", b"x", 404)])
    first, second = records
    assert first["prev_hash"] == GENESIS and second["prev_hash"] == first["hash"]
    assert second["hash"] == hashlib.sha256(first["hash"].encode() + canonical(second)).hexdigest()
    assert b'"hash"' not in canonical(second) and b'"prev_hash"' not in canonical(second)
    assert canonical(first) == canonical(dict(reversed(list(first.items()))))  # key order does not matter
    assert first["fetched_at"] == "2026-11-23T08:30:00.123456+00:00"
    assert first_broken_link(records) is None


def test_a_changed_dropped_or_inserted_record_breaks_the_chain_where_it_happened():
    records = _chain([_result(f"https://a.example.cn/{i}", bytes([i])) for i in range(5)])
    changed = [dict(r) for r in records]
    changed[2]["sha256"] = "0" * 64
    assert first_broken_link(changed) == 3
    assert first_broken_link(records[:2] + records[3:]) == 4
    rehashed = [dict(r) for r in records]
    rehashed[1]["status"] = 500
    rehashed[1]["hash"] = chain_hash(rehashed[1]["prev_hash"], rehashed[1])  # re-hashing one is not enough
    assert first_broken_link(rehashed) == 3

"""Evidence snapshots (证据固定): which addresses may be fetched, and the hash chain.

Every snapshot record is chained to the one before it across ALL snapshots:
    hash = sha256(prev_hash + canonical(record))
so a police referral can show what was online when, and that no record was changed,
dropped or slipped in afterwards. Pure: no I/O (fetcher.py fetches, the store appends).
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

GENESIS = "0" * 64
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Outcome = Literal["fetched", "gone", "refused", "error"]
GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def address_refusal(address: str, allow: Sequence[IPNetwork] = ()) -> str | None:
    """None when `address` may be fetched; else the reason (private, loopback, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(ip in net for net in allow if net.version == ip.version):
        return None
    for reason, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                         ("link_local", ip.is_link_local), ("multicast", ip.is_multicast),
                         ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if flag:
            return reason
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges, ...
        return "not_global"
    return None


def first_refusal(addresses: Iterable[str], allow: Sequence[IPNetwork] = ()) -> str | None:
    """A host is refused if ANY of its addresses is: the connection may use any of them."""
    for address in addresses:
        if reason := address_refusal(address, allow):
            return f"{reason}:{address}"
    return None


def outcome_for_status(status: int) -> Outcome:
    return "gone" if status in GONE_STATUSES else "fetched"


class FetchResult(BaseModel):
    """What one fetch of one URL found (or why it could not look)."""

    model_config = ConfigDict(frozen=True)

    requested_url: str
    final_url: str
    redirects: list[str] = []
    outcome: Outcome
    status: int | None = None
    headers: list[tuple[str, str]] = []
    sha256: str | None = None
    size: int = 0
    truncated: bool = False
    address: str | None = None  # the IP address actually connected to
    error: str | None = None
    fetched_at: datetime


def record_for(result: FetchResult, *, seq: int, report_id: str, prev_hash: str) -> dict[str, Any]:
    """The stored record (plain JSON types, so the hash can be recomputed from the database)."""
    fields = result.model_dump(mode="json")
    fields["headers"] = [list(pair) for pair in result.headers]
    fields["fetched_at"] = result.fetched_at.isoformat(timespec="microseconds")
    return {"seq": seq, "report_id": report_id, "prev_hash": prev_hash, **fields}


def canonical(record: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8; the hash fields themselves are not part of it."""
    body = {k: v for k, v in record.items() if k not in ("prev_hash", "hash")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(record)).hexdigest()


def first_broken_link(records: Iterable[Mapping[str, Any]]) -> int | None:
    """Walk the chain in order of seq: None if intact, else the seq of the first bad record."""
    prev, expected_seq = GENESIS, 1
    for record in records:
        if (record["seq"] != expected_seq or record["prev_hash"] != prev
                or chain_hash(prev, record) != record["hash"]):
            return int(record["seq"])
        prev, expected_seq = record["hash"], expected_seq + 1
    return None

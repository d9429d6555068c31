"""The client's address, for rate limits and logs, behind a known number of proxies.

X-Forwarded-For is a list every proxy appends to; only the entries our own proxies added
can be trusted. With `trusted_proxies` = N (the proxies in front of the service, set in
the settings), the client is the Nth address from the right; the leftmost entries are
whatever the client chose to send. With 0 (the default) the header is ignored.
IPv6 clients are keyed by their /64: one subscriber gets a whole /64 and can rotate
addresses inside it at will.
"""
from __future__ import annotations

import ipaddress

from fastapi import Request


def client_address(request: Request, trusted_proxies: int = 0) -> str:
    peer = request.client.host if request.client else "unknown"
    if trusted_proxies <= 0:
        return peer
    forwarded = [p.strip() for p in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if p.strip()]
    chain = [*forwarded, peer]  # the peer is the last proxy (or the client)
    return chain[-trusted_proxies - 1] if len(chain) > trusted_proxies else chain[0]


def rate_key(address: str) -> str:
    """The bucket an address counts against: itself for IPv4, its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)

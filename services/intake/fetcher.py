"""Fetching a reported URL once, safely, for an evidence snapshot (the outside world).

- Every hop (the URL and up to `max_redirects` redirects) is resolved and each address
  checked (snapshot.address_refusal): private, loopback, link-local and reserved addresses
  are refused unless allow-listed. The connection then goes to the address that was checked
  (the hostname stays in Host and TLS SNI/verification), so DNS cannot answer differently
  between the check and the connect.
- At most `max_bytes` are read (the rest is not hashed: `truncated`); the whole fetch has
  `timeout_s`. No proxies from the environment, no cookies, no redirects followed blindly.
"""
from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import httpx

from libs.common.clock import Clock
from services.intake.snapshot import (
    REDIRECT_STATUSES,
    FetchResult,
    IPNetwork,
    first_refusal,
    outcome_for_status,
)

Resolver = Callable[[str, int], Awaitable[list[str]]]
MAX_HEADERS = 64
USER_AGENT = "netreport-evidence/1.0 (+internet report center evidence snapshot)"


class UrlFetcher(Protocol):
    async def fetch(self, url: str) -> FetchResult: ...


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class HttpSnapshotFetcher:
    def __init__(self, clock: Clock, *, max_bytes: int, timeout_s: float, max_redirects: int,
                 allow: Sequence[IPNetwork] = (), resolver: Resolver = system_resolver) -> None:
        self.clock, self.max_bytes, self.timeout_s = clock, max_bytes, timeout_s
        self.max_redirects, self.allow, self.resolver = max_redirects, list(allow), resolver

    async def fetch(self, url: str) -> FetchResult:
        started = self.clock.now()
        base = {"requested_url": url, "fetched_at": started}
        hops: list[str] = []
        current = url
        try:
            async with asyncio.timeout(self.timeout_s), httpx.AsyncClient(
                    trust_env=False, follow_redirects=False, timeout=self.timeout_s, verify=True) as client:
                for _ in range(self.max_redirects + 1):
                    result = await self._hop(client, current, hops, base)
                    if isinstance(result, FetchResult):
                        return result
                    hops.append(result)
                    current = result
                return FetchResult(**base, final_url=current, redirects=hops, outcome="error",
                                   error=f"too_many_redirects (>{self.max_redirects})")
        except TimeoutError:
            return FetchResult(**base, final_url=current, redirects=hops, outcome="error", error="timeout")
        except Exception as exc:  # noqa: BLE001 - every failure of one URL is its outcome, never a stall
            # (httpx.InvalidURL, e.g. a full-width host, is not an HTTPError: before, it was
            # raised out of the worker and the same report was retried forever.)
            return FetchResult(**base, final_url=current, redirects=hops, outcome="error",
                               error=f"{type(exc).__name__}: {exc}"[:300])

    async def _hop(self, client: httpx.AsyncClient, url: str, hops: list[str], base: dict) -> FetchResult | str:
        """One request: a FetchResult when done, or the next URL to follow."""
        target = httpx.URL(url)
        if target.scheme not in ("http", "https") or not target.host:
            return FetchResult(**base, final_url=url, redirects=hops, outcome="refused", error="scheme")
        port = target.port or (443 if target.scheme == "https" else 80)
        host = target.raw_host.decode("ascii")  # IDNA (例子.中国 → xn--...), as DNS and TLS want it
        try:
            addresses = await self.resolver(host.strip("[]"), port)
        except socket.gaierror as exc:
            return FetchResult(**base, final_url=url, redirects=hops, outcome="gone", error=f"dns: {exc}"[:300])
        if not addresses:
            return FetchResult(**base, final_url=url, redirects=hops, outcome="gone", error="dns: no address")
        if refusal := first_refusal(addresses, self.allow):
            return FetchResult(**base, final_url=url, redirects=hops, outcome="refused", error=refusal)
        address = addresses[0]
        pinned = target.copy_with(host=address)
        headers = {"Host": target.netloc.decode("ascii"), "User-Agent": USER_AGENT, "Accept": "*/*"}
        extensions = {"sni_hostname": host} if target.scheme == "https" else {}
        request = client.build_request("GET", pinned, headers=headers, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                return str(target.join(location))
            digest, size, truncated = await self._read(response)
        finally:
            await response.aclose()
        kept = [(k, v[:2000]) for k, v in response.headers.multi_items()[:MAX_HEADERS]]
        return FetchResult(**base, final_url=url, redirects=hops, outcome=outcome_for_status(response.status_code),
                           status=response.status_code, headers=kept, sha256=digest, size=size,
                           truncated=truncated, address=address)

    async def _read(self, response: httpx.Response) -> tuple[str, int, bool]:
        sha, size = hashlib.sha256(), 0
        async for chunk in response.aiter_bytes():  # decoded: the content itself
            room = self.max_bytes - size
            sha.update(chunk[:room])
            size += min(len(chunk), room)
            if len(chunk) > room:
                return sha.hexdigest(), size, True
        return sha.hexdigest(), size, False

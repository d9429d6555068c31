"""Is reported content still online? The URL checker behind the re-check (复查).

`UrlChecker` is the one interface; `HttpUrlChecker` fetches with httpx and refuses any
address that is not public (loopback, private, link-local, ...) unless its host is
allow-listed, so a reported URL can never make dispatch probe the center's own network.
Every redirect hop is checked the same way. `classify` and `judge_recheck` are pure.
"""
from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from libs.common.logs import get_logger

log = get_logger(__name__)
CheckResult = Literal["online", "gone", "unknown", "refused"]
RecheckVerdict = Literal["removed", "still_online", "retry"]
GONE_STATUSES = (404, 410, 451)  # 451: removed for legal reasons
UNRESOLVED = "does not resolve"


class UrlChecker(Protocol):
    async def check(self, url: str, removed_markers: Sequence[str] = ()) -> CheckResult: ...


def classify(status_code: int, body: str, removed_markers: Sequence[str]) -> CheckResult:
    """A final (non-redirect) answer: gone, still there, or cannot tell (try again later)."""
    if status_code in GONE_STATUSES:
        return "gone"
    if 200 <= status_code < 300:
        # Platforms often answer 200 with a "this post was deleted" page.
        return "gone" if any(marker in body for marker in removed_markers) else "online"
    return "unknown"  # 401/403/5xx/...: not evidence either way


def judge_recheck(results: Iterable[CheckResult]) -> RecheckVerdict:
    """Any URL still online: not removed. All gone: removed. Otherwise: look again later."""
    seen = list(results)
    if "online" in seen:
        return "still_online"
    if seen and all(r == "gone" for r in seen):
        return "removed"
    return "retry"


class HttpUrlChecker:
    def __init__(self, *, allow_hosts: Iterable[str] = (), timeout_s: float = 10.0,
                 max_redirects: int = 3, max_bytes: int = 256 * 1024) -> None:
        self.allow_hosts = {h.strip().lower() for h in allow_hosts if h.strip()}
        self.timeout_s = timeout_s
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes

    async def check(self, url: str, removed_markers: Sequence[str] = ()) -> CheckResult:
        try:
            async with asyncio.timeout(self.timeout_s * (self.max_redirects + 1)):
                return await self._check(url, removed_markers)
        except TimeoutError:  # a server dripping bytes: the whole check has a deadline
            return "unknown"
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:  # no client can fetch it, ever
            log.warning("recheck_unparseable", url=url[:200], error=repr(exc)[:200])
            return "refused"

    async def _check(self, url: str, removed_markers: Sequence[str]) -> CheckResult:
        async with httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=False, trust_env=False,
                                     headers={"User-Agent": "netreport-dispatch-recheck/1"}) as client:
            for _ in range(self.max_redirects + 1):
                refusal = await self.refusal(url)
                if refusal == UNRESOLVED:
                    return "unknown"  # a name that does not resolve now may again later
                if refusal:
                    log.warning("recheck_refused", url=url, reason=refusal)
                    return "refused"
                try:
                    status, location, body = await self._get(client, url)
                except httpx.HTTPError as exc:
                    log.info("recheck_unreachable", url=url, error=repr(exc))
                    return "unknown"
                if location is None:
                    return classify(status, body, removed_markers)
                url = urljoin(url, location)
        return "unknown"  # a redirect loop proves nothing

    async def _get(self, client: httpx.AsyncClient, url: str) -> tuple[int, str | None, str]:
        async with client.stream("GET", url) as response:
            if response.is_redirect:
                return response.status_code, response.headers.get("location"), ""
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= self.max_bytes:
                    break  # enough to find a "removed" marker; never read a video
            return response.status_code, None, b"".join(chunks).decode(response.encoding or "utf-8", errors="replace")

    async def refusal(self, url: str) -> str | None:
        """Why this URL must not be fetched, or None. Names are resolved and EVERY address
        must be public; an allow-listed host (tests, a staging platform) skips the check.
        httpx resolves the name again when it connects: a name re-pointed in between (DNS
        rebinding) is not caught here; where that matters, route the checker's traffic
        through an egress proxy that only reaches public addresses."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return "not an http(s) URL"
        if host in self.allow_hosts:
            return None
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = await asyncio.get_running_loop().getaddrinfo(host, port)
        except (OSError, ValueError):
            return UNRESOLVED
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if not address.is_global:
                return f"{host} resolves to a non-public address {address}"
        return None

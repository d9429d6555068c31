"""Who may call intake's routes beyond the shared guard (libs.common.http.access), and how
often: volunteers by the token they got at registration, everyone within a rate limit per
client address (the address behind the configured trusted proxies; IPv6 by its /64)."""
from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from libs.common.http.client import client_address, rate_key
from libs.common.http.errors import ApiError
from services.intake import metrics
from services.intake.context import Ctx
from services.intake.errors import channel_of
from services.intake.ratelimit import retry_after_header
from services.intake.store import token_hash

volunteer_bearer = HTTPBearer(auto_error=False, scheme_name="VolunteerToken",
                              description="志愿者凭证（登记时获得）")
Credentials = HTTPAuthorizationCredentials | None


async def ip_rate_limit(request: Request, ctx: Ctx) -> None:
    """Writes (POST) and reads (status look-ups) have separate buckets per client address."""
    limiter = ctx.ip_limiter if request.method == "POST" else ctx.read_limiter
    wait = limiter.take(rate_key(client_address(request, ctx.settings.trusted_proxies)))
    if wait:
        metrics.RATE_LIMITED.labels(scope="ip").inc()
        if request.method == "POST":
            metrics.received(channel_of(request.url.path), None, "rejected_rate_limited")
        raise ApiError(429, "rate_limited", "请求过于频繁，请稍后再试", {"Retry-After": retry_after_header(wait)})


async def volunteer_only(volunteer_id: str, ctx: Ctx,
                         credentials: Annotated[Credentials, Depends(volunteer_bearer)]) -> dict[str, Any]:
    volunteer = await ctx.store.volunteers.get(volunteer_id=volunteer_id)
    given = token_hash(credentials.credentials) if credentials else ""
    # One answer for "no such volunteer" and "wrong token".
    if volunteer is None or not volunteer.get("active", True) or not hmac.compare_digest(
            given.encode(), volunteer["token_sha256"].encode()):
        raise ApiError(401, "unauthorized", "志愿者编号或凭证不正确", {"WWW-Authenticate": "Bearer"})
    return volunteer


Volunteer = Annotated[dict[str, Any], Depends(volunteer_only)]

"""Who may call what: operators by a bearer token from the environment, volunteers by the
token they got at registration, everyone within a rate limit per client address."""
from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.intake import metrics
from services.intake.context import IntakeContext
from services.intake.errors import ApiError, channel_of
from services.intake.ratelimit import retry_after_header
from services.intake.store import token_hash

operator_bearer = HTTPBearer(auto_error=False, scheme_name="OperatorToken",
                             description="值班员令牌（INTAKE_OPERATOR_TOKEN）")
volunteer_bearer = HTTPBearer(auto_error=False, scheme_name="VolunteerToken",
                              description="志愿者凭证（登记时获得）")
Credentials = HTTPAuthorizationCredentials | None


def client_ip(request: Request, trust_forwarded: bool) -> str:
    if trust_forwarded and (forwarded := request.headers.get("x-forwarded-for")):
        return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


def ip_rate_limit(ctx: IntakeContext) -> Callable[[Request], Awaitable[None]]:
    """Writes (POST) and reads (status look-ups) have separate buckets per client address."""
    async def limit(request: Request) -> None:
        limiter = ctx.ip_limiter if request.method == "POST" else ctx.read_limiter
        wait = limiter.take(client_ip(request, ctx.settings.trust_forwarded_for))
        if wait:
            metrics.RATE_LIMITED.labels(scope="ip").inc()
            if request.method == "POST":
                metrics.received(channel_of(request.url.path), None, "rejected_rate_limited")
            raise ApiError(429, "rate_limited", "请求过于频繁，请稍后再试", {"Retry-After": retry_after_header(wait)})

    return limit


def operator_only(ctx: IntakeContext) -> Callable[..., Awaitable[None]]:
    async def check(credentials: Annotated[Credentials, Depends(operator_bearer)]) -> None:
        expected = ctx.settings.operator_token
        if expected is None or not expected.get_secret_value():
            raise ApiError(503, "operator_not_configured",
                           "值班员接口未启用：服务端未配置 INTAKE_OPERATOR_TOKEN")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
            raise ApiError(401, "unauthorized", "值班员令牌缺失或不正确", {"WWW-Authenticate": "Bearer"})

    return check


def volunteer_only(ctx: IntakeContext) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def check(volunteer_id: str, credentials: Annotated[Credentials, Depends(volunteer_bearer)]) -> dict[str, Any]:
        volunteer = await ctx.store.volunteers.get(volunteer_id=volunteer_id)
        given = token_hash(credentials.credentials) if credentials else ""
        # One answer for "no such volunteer" and "wrong token".
        if volunteer is None or not volunteer.get("active", True) or not hmac.compare_digest(
                given.encode(), volunteer["token_sha256"].encode()):
            raise ApiError(401, "unauthorized", "志愿者编号或凭证不正确", {"WWW-Authenticate": "Bearer"})
        return volunteer

    return check

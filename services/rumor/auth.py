"""Operator access (值班员): a bearer token from RUMOR_OPERATOR_TOKEN, and the API's one error shape."""
from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, SecretStr

operator_bearer = HTTPBearer(auto_error=False, scheme_name="OperatorToken", description="值班员令牌（RUMOR_OPERATOR_TOKEN）")


class ApiError(Exception):
    """Answered as {"error": code, "message": 中文说明} with the given status."""

    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


class ApiErrorBody(BaseModel):
    """The body of every refusal (4xx/5xx) of this API."""

    error: str = Field(description="机器可读的错误代码，如 claim_not_found、unauthorized、validation_failed")
    message: str = Field(description="中文说明")
    detail: list[dict[str, str]] | None = Field(None, description="字段校验失败时：每个字段的问题（field、msg、type）")


REFUSALS = {401: "值班员令牌缺失或不正确（WWW-Authenticate: Bearer）", 404: "未找到该线索（或渠道、文章）",
            409: "当前状态下不能这样做（如未核实即发布、重复发布）", 422: "请求内容有误", 503: "值班员接口未启用（未配置令牌）"}


def documented(*statuses: int) -> dict[int | str, dict[str, object]]:
    """`responses=` for routes of this API: each refusal they may answer, with the one error body."""
    return {s: {"model": ApiErrorBody, "description": REFUSALS[s]} for s in statuses}


def operator_only(token: SecretStr | None) -> Callable[..., Awaitable[None]]:
    async def check(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(operator_bearer)]) -> None:
        if token is None or not token.get_secret_value():
            raise ApiError(503, "operator_not_configured", "值班员接口未启用：服务端未配置 RUMOR_OPERATOR_TOKEN")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
            raise ApiError(401, "unauthorized", "值班员令牌缺失或不正确", {"WWW-Authenticate": "Bearer"})

    return check


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status, headers=exc.headers)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        detail = [{"field": ".".join(str(p) for p in e["loc"][1:]), "msg": e["msg"], "type": e["type"]}
                  for e in exc.errors()]
        fields = "、".join(d["field"] or "请求体" for d in detail)
        return JSONResponse({"error": "validation_failed", "message": f"请求内容有误：{fields}", "detail": detail},
                            status_code=422)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)

"""One error body for every refusal: {"error": code, "message": 中文说明, "detail": ...}.

A 422 names each field (`detail[].field`, `detail[].loc`) with a Chinese reason; a database
outage answers 503 with Retry-After (the report was NOT stored: the client must retry),
never a bare 500.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from libs.common.logs import get_logger
from services.intake import messages, metrics
from services.intake.metrics import ChannelLabel
from services.intake.models import ErrorBody
from services.intake.webhook import WebhookRefused

log = get_logger(__name__)

CODE_BY_STATUS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "rate_limited", 503: "unavailable",
}


BODY_NOT_PARSED = "There was an error parsing the body"


class ApiError(StarletteHTTPException):
    """An HTTP refusal with its error code and Chinese message."""

    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail=message, headers=headers)
        self.error = error


def error_response(status: int, error: str, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": error, "message": message, "detail": message if detail is None else detail}
    return JSONResponse(body, status_code=status, headers=headers)


def channel_of(path: str) -> ChannelLabel:
    """The channel a request came in on, for metrics of refused requests (no body read)."""
    if path.startswith("/api/v1/platforms/"):
        return "platform"
    if path.startswith("/api/v1/volunteers/") and path.endswith("/reports"):
        return "volunteer"
    if path == "/api/v1/reports":
        return "web"
    return "unknown"


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each refusal it may answer, with the one error body."""
    text = {400: "请求有误", 401: "未认证或签名无效", 404: "未找到", 413: "请求体过大", 422: "字段校验失败",
            429: "请求过于频繁（见 Retry-After）", 503: "暂不可用（见 message）"}
    return {s: {"model": ErrorBody, "description": text.get(s, "错误")} for s in statuses}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = messages.describe(exc.errors())
        if request.method == "POST":
            metrics.received(channel_of(request.url.path), None, "rejected_invalid")
        return error_response(422, "validation_failed", messages.summary(details), details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:  # FastAPI's own, e.g. bytes that are not UTF-8
            details = [{"loc": ["body"], "field": "body", "type": "body_unreadable", "msg": "请求体无法解析（应为 UTF-8 编码的 JSON）"}]
            return error_response(422, "validation_failed", messages.summary(details), details)
        error = getattr(exc, "error", None) or CODE_BY_STATUS.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return error_response(exc.status_code, error, message, headers=exc.headers)

    @app.exception_handler(WebhookRefused)
    async def on_refused(request: Request, exc: WebhookRefused) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.message, headers=exc.headers)

    @app.exception_handler(ConnectionFailure)
    @app.exception_handler(ServerSelectionTimeoutError)
    async def on_outage(request: Request, exc: Exception) -> JSONResponse:
        log.error("database_unavailable", path=request.url.path, error=repr(exc)[:300])
        return error_response(503, "unavailable", "系统暂时无法受理（数据库不可用），本次请求未保存，请稍后重试",
                              headers={"Retry-After": "30"})

"""One error body for every refusal: {"error": code, "message": 中文说明, "detail": ...}.

A 422 names each field (`detail[].field`, `detail[].loc`) with a Chinese reason; a database
outage answers 503 with Retry-After (nothing was stored: the client must retry); anything
unforeseen answers 500 in the same shape with the request id, and is logged with it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiokafka.errors import KafkaError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from structlog.contextvars import get_contextvars

from libs.common.http import messages
from libs.common.logs import get_logger

log = get_logger(__name__)

CODE_BY_STATUS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "rate_limited", 500: "internal_error", 503: "unavailable",
}
TEXT_BY_STATUS = {400: "请求有误", 401: "未认证：缺少或无效的登录凭证", 403: "无权访问该资源", 404: "未找到",
                  405: "不支持该请求方法", 409: "状态冲突（资源已被他人修改或状态不允许）", 413: "请求体过大",
                  415: "不支持的内容类型", 422: "字段校验失败", 429: "请求过于频繁（见 Retry-After）",
                  500: "服务内部错误（见 detail.request_id）", 503: "暂不可用（见 message 与 Retry-After）"}
BODY_NOT_PARSED = "There was an error parsing the body"
OUTAGES = (ConnectionFailure, ServerSelectionTimeoutError)


class ErrorBody(BaseModel):
    """错误响应（所有 4xx/5xx 同一格式）。"""

    error: str = Field(..., description="错误代码，如 validation_failed、unauthorized、rate_limited、bad_signature")
    message: str = Field(..., description="中文说明")
    detail: str | list[dict[str, object]] | dict[str, object] = Field(
        ..., description="详情：校验错误时为逐字段列表（loc、field、msg）；500 时含 request_id")


class ApiError(StarletteHTTPException):
    """An HTTP refusal with its error code and Chinese message."""

    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None,
                 detail: Any = None) -> None:
        super().__init__(status, detail=message, headers=headers)
        self.error, self.body_detail = error, detail


def error_response(status: int, error: str, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": error, "message": message, "detail": message if detail is None else detail}
    return JSONResponse(body, status_code=status, headers=headers)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each refusal it may answer, with the one error body."""
    return {s: {"model": ErrorBody, "description": TEXT_BY_STATUS.get(s, "错误")} for s in statuses}


def request_id() -> str:
    return str(get_contextvars().get("request_id", ""))


OnInvalid = Callable[[Request], None]


def install_error_handlers(app: FastAPI, *, on_invalid: OnInvalid | None = None) -> None:
    """`on_invalid(request)`: told of every 422, e.g. to count refused submissions."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = messages.describe(exc.errors())
        if on_invalid is not None:
            on_invalid(request)
        return error_response(422, "validation_failed", messages.summary(details), details)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:  # FastAPI's own, e.g. bytes that are not UTF-8
            details = [{"loc": ["body"], "field": "body", "type": "body_unreadable",
                        "msg": "请求体无法解析（应为 UTF-8 编码的 JSON）"}]
            if on_invalid is not None:
                on_invalid(request)
            return error_response(422, "validation_failed", messages.summary(details), details)
        error = getattr(exc, "error", None) or CODE_BY_STATUS.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else TEXT_BY_STATUS.get(exc.status_code, "错误")
        return error_response(exc.status_code, error, message, getattr(exc, "body_detail", None), headers=exc.headers)

    @app.exception_handler(ConnectionFailure)
    @app.exception_handler(ServerSelectionTimeoutError)
    async def outage(request: Request, exc: Exception) -> JSONResponse:
        log.error("database_unavailable", path=request.url.path, error=repr(exc)[:300])
        return error_response(503, "unavailable", "系统暂时不可用（数据库不可用），本次请求未保存，请稍后重试",
                              headers={"Retry-After": "30"})

    @app.exception_handler(KafkaError)
    async def kafka_outage(request: Request, exc: Exception) -> JSONResponse:
        log.error("kafka_unavailable", path=request.url.path, error=repr(exc)[:300])
        return error_response(503, "unavailable", "系统暂时不可用（消息队列不可用），本次请求未处理，请稍后重试",
                              headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def unforeseen(request: Request, exc: Exception) -> JSONResponse:
        rid = request_id()
        log.error("request_failed", path=request.url.path, error_type=type(exc).__name__, error=repr(exc)[:500],
                  exc_info=exc)
        return error_response(500, "internal_error", f"服务内部错误，已记录（请求编号 {rid}）", {"request_id": rid})

"""The platform webhook: a signed batch of reports in, per-item results out (平台推送)."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request

from libs.common.http.access import access
from libs.common.http.errors import ApiError, documented
from services.intake.context import Ctx
from services.intake.platforms import IDEMPOTENCY_KEY, PLATFORM_ID, BatchResult
from services.intake.webhook import authenticate, receive_batch

SIGNING = ("签名：X-Signature = hex(HMAC-SHA256(平台密钥, f\"{X-Timestamp}.{请求体原文}\"))；"
           "X-Timestamp 为 Unix 秒，与服务器时钟相差不得超过 INTAKE_WEBHOOK_SKEW_S（默认 300 秒）；"
           "同一签名只能使用一次。重试时请用新的时间戳重新签名，并沿用同一 X-Idempotency-Key："
           "同一幂等键、同一请求体返回首次的逐条结果，不会重复受理。")
router = APIRouter(prefix="/api/v1", tags=["platforms 平台推送"])


@router.post(
    "/platforms/{platform_id}/reports", response_model=BatchResult, summary="平台批量推送举报（签名）",
    description=SIGNING, responses=documented(401, 404, 413, 422, 429, 503),
    openapi_extra={**access("signed"), "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/PlatformBatchIn"}}}}},
)
async def push(
    request: Request, ctx: Ctx,
    platform_id: Annotated[str, Path(max_length=63, description="平台编号")],
    x_timestamp: Annotated[str | None, Header(description="Unix 时间戳（秒）")] = None,
    x_signature: Annotated[str | None, Header(description="签名（64 位十六进制）")] = None,
    x_idempotency_key: Annotated[str | None, Header(description="幂等键（1-128 位字母、数字或 _.:-）")] = None,
) -> BatchResult:
    if not re.match(PLATFORM_ID, platform_id):
        raise ApiError(404, "unknown_platform", "未找到该平台，或该平台已停用")
    raw = await request.body()
    headers = {"x-timestamp": x_timestamp or "", "x-signature": x_signature or ""}
    platform = await authenticate(ctx, platform_id, headers, raw)
    if not x_idempotency_key or not re.match(IDEMPOTENCY_KEY, x_idempotency_key):
        raise ApiError(422, "validation_failed", "请求头 X-Idempotency-Key 缺失或格式不正确（1-128 位字母、数字或 _.:-）")
    return await receive_batch(ctx, platform, key=x_idempotency_key, raw=raw)


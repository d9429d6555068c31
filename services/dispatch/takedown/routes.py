"""A platform's later answer to a takedown request: POST /api/v1/platforms/{id}/feedback,
signed like the request it answers. It becomes a CaseFeedback on cases.feedback, so it
takes the same road (and the same checks) as a department's answer.

The event id derives from the signature: a replayed request carries the same signature,
becomes the same event and is skipped by the feedback consumer; the timestamp window
bounds how long a captured request is usable at all.
"""
from __future__ import annotations

import os
import time

from fastapi import APIRouter, Path, Request
from pydantic import ValidationError

from libs.common.events import CaseFeedback, derive_event_id
from libs.common.http.access import access
from libs.common.http.errors import ApiError, documented
from libs.common.http.messages import describe, summary
from libs.common.topics import CASES_FEEDBACK
from services.dispatch.context import Ctx
from services.dispatch.feedback_signature import department_key, sign_feedback
from services.dispatch.takedown.callback import PlatformFeedback, verify

MAX_BODY = 16 * 1024
SIGNING = ("Signed like the takedown request it answers: X-Signature = hex(HMAC-SHA256(platform secret, "
           "f\"{X-Timestamp}.{raw body}\")), X-Timestamp in Unix seconds within DISPATCH_PLATFORM_FEEDBACK_SKEW_S "
           "(default 300 s) of the server clock. A replayed request (same signature) is applied once; to retry, "
           "sign again with a new timestamp. The body is at most 16 KiB.")


def _body_schema() -> dict[str, object]:
    schema = PlatformFeedback.model_json_schema()
    schema["properties"]["status"]["description"] = "removed: the content is deleted (re-checked later); " \
        "rejected: not the platform's to remove; accepted: received, removal follows"
    return schema


# The route reads its body raw (the signature covers the exact bytes), so FastAPI cannot see
# the body or the signature headers: they are declared here for the OpenAPI document.
OPENAPI = {
    "parameters": [
        {"name": "X-Timestamp", "in": "header", "required": True, "description": "Unix time in seconds",
         "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"}},
        {"name": "X-Signature", "in": "header", "required": True, "description": "hex HMAC-SHA256, see the description",
         "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}},
    ],
    "requestBody": {"required": True, "content": {"application/json": {"schema": _body_schema()}}},
}
RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"description": "Taken: the answer is on cases.feedback and dispatch applies it to the case",
          "content": {"application/json": {"schema": {"type": "object", "required": ["status", "feedback_id"], "properties": {
              "status": {"type": "string", "const": "accepted"}, "feedback_id": {"type": "string"}}}}}},
    **documented(401, 404, 413, 422, 503),
}
router = APIRouter(prefix="/api/v1/platforms", tags=["platforms 平台"])


@router.post("/{platform_id}/feedback", status_code=202, summary="平台反馈删除结果（签名）", description=SIGNING,
             responses=RESPONSES, openapi_extra={**access("signed"), **OPENAPI})
async def feedback(ctx: Ctx, request: Request, platform_id: str = Path(..., max_length=63)) -> dict[str, str]:
    spec = ctx.platforms.get(platform_id)
    secret = os.environ.get(spec.secret_env, "") if spec else ""
    if spec is None or not spec.active or len(secret) < 16:
        raise ApiError(404, "unknown_platform", "未找到该平台，或该平台未启用、未配置密钥")
    body = await request.body()  # at most MAX_BODY: the body limit refused larger ones unread
    signature = request.headers.get("X-Signature")
    failure = verify(secret, timestamp=request.headers.get("X-Timestamp"), signature=signature,
                     body=body, now=time.time(), skew_s=ctx.platform_feedback_skew_s)
    if failure:
        raise ApiError(401, "bad_signature", f"签名无效：{failure}")
    try:
        answer = PlatformFeedback.model_validate_json(body)
    except ValidationError as exc:
        details = describe([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)])
        raise ApiError(422, "validation_failed", summary(details), detail=details) from None
    event = CaseFeedback(event_id=derive_event_id(spec.id, f"feedback:{signature}"), occurred_at=ctx.clock.now(),
                         case_id=answer.case_id, department_code=spec.code, action=answer.status,
                         result=answer.result, handler_name=answer.handler_name, dispatch_no=answer.dispatch_no)
    event = sign_feedback(event, department_key(ctx.feedback_key, spec.code))  # the platform's answer, as its own
    assert ctx.bus is not None
    await ctx.bus.publish(event, CASES_FEEDBACK)  # Kafka down: 503, the platform retries with a new signature
    return {"status": "accepted", "feedback_id": event.event_id}

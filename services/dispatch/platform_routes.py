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
from collections.abc import Mapping

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError

from libs.common.bus import Bus
from libs.common.clock import Clock
from libs.common.events import CaseFeedback, derive_event_id
from libs.common.topics import CASES_FEEDBACK
from services.dispatch.platforms import PlatformRegistry
from services.dispatch.takedown import PlatformFeedback, verify

MAX_BODY = 16 * 1024
SIGNING = ("Signed like the takedown request it answers: X-Signature = hex(HMAC-SHA256(platform secret, "
           "f\"{X-Timestamp}.{raw body}\")), X-Timestamp in Unix seconds within DISPATCH_PLATFORM_FEEDBACK_SKEW_S "
           "(default 300 s) of the server clock. A replayed request (same signature) is applied once; to retry, "
           "sign again with a new timestamp. The body is at most 16 KiB.")


def _refusal(text: str, detail: dict[str, object] | None = None) -> dict[str, object]:
    schema = {"type": "object", "required": ["detail"], "properties": {"detail": detail or {"type": "string"}}}
    return {"description": text, "content": {"application/json": {"schema": schema}}}


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
    401: _refusal("Signature missing, wrong or stale: `bad signature: missing|mismatch|stale`"),
    404: _refusal("No such platform, or not active, or no secret configured for it"),
    413: _refusal("Body larger than 16 KiB (refused before it is read)"),
    422: _refusal("The body is not a valid answer", {"type": "array", "items": {"type": "object"}}),
}


def platform_router(bus: Bus, platforms: PlatformRegistry, clock: Clock, *, skew_s: int = 300,
                    environ: Mapping[str, str] | None = None) -> APIRouter:
    router = APIRouter(prefix="/api/v1/platforms", tags=["platforms 平台"])
    env = environ if environ is not None else os.environ

    @router.post("/{platform_id}/feedback", status_code=202, summary="平台反馈删除结果（签名）", description=SIGNING,
                 responses=RESPONSES, openapi_extra=OPENAPI)
    async def feedback(platform_id: str, request: Request) -> dict[str, str]:
        spec = platforms.get(platform_id)
        secret = env.get(spec.secret_env, "") if spec else ""
        if spec is None or not spec.active or len(secret) < 16:
            raise HTTPException(404, detail="no such platform")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise HTTPException(413, detail="body too large")  # refused before reading it
        body = await request.body()
        if len(body) > MAX_BODY:
            raise HTTPException(413, detail="body too large")
        signature = request.headers.get("X-Signature")
        failure = verify(secret, timestamp=request.headers.get("X-Timestamp"), signature=signature,
                         body=body, now=time.time(), skew_s=skew_s)
        if failure:
            raise HTTPException(401, detail=f"bad signature: {failure}")
        try:
            answer = PlatformFeedback.model_validate_json(body)
        except ValidationError as exc:
            raise HTTPException(422, detail=exc.errors(include_url=False, include_context=False)) from None
        event = CaseFeedback(event_id=derive_event_id(spec.id, f"feedback:{signature}"), occurred_at=clock.now(),
                             case_id=answer.case_id, department_code=spec.code, action=answer.status,
                             result=answer.result, handler_name=answer.handler_name, dispatch_no=answer.dispatch_no)
        await bus.publish(event, CASES_FEEDBACK)  # Kafka down: 500, the platform retries with a new signature
        return {"status": "accepted", "feedback_id": event.event_id}

    return router

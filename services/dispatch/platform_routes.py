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


def platform_router(bus: Bus, platforms: PlatformRegistry, clock: Clock, *, skew_s: int = 300,
                    environ: Mapping[str, str] | None = None) -> APIRouter:
    router = APIRouter(prefix="/api/v1/platforms", tags=["platforms 平台"])
    env = environ if environ is not None else os.environ

    @router.post("/{platform_id}/feedback", status_code=202, summary="平台反馈删除结果（签名）")
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

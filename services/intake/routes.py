"""Intake's public HTTP API: submit a report, check its status (web form and mini-program)."""
from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from services.intake import metrics
from services.intake.accept import Submitter, accept_report
from services.intake.context import IntakeContext
from services.intake.models import ReportAccepted, ReportIn, ReportStatus
from services.intake.store import token_hash


def public_router(ctx: IntakeContext) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["reports 举报"])

    @router.post("/reports", status_code=202, response_model=ReportAccepted, summary="提交举报")
    async def submit(
        body: ReportIn,
        channel: Annotated[Literal["web", "miniprogram"], Query(description="来源渠道")] = "web",
    ) -> ReportAccepted:
        receipt, event = await accept_report(body, Submitter(channel=channel), **ctx.accept_kwargs())
        ctx.relay.poke()
        metrics.REPORTS_RECEIVED.labels(channel=channel, category_hint=body.category_hint or "none", outcome="accepted").inc()
        return receipt

    @router.get("/reports/{tracking_no}", response_model=ReportStatus, summary="查询办理进度")
    async def status(tracking_no: str, token: Annotated[str, Query(min_length=8, max_length=64, description="查询凭证")]) -> ReportStatus:
        doc = await ctx.store.get(tracking_no=tracking_no)
        # One answer for "no such number" and "wrong token": numbers are guessable.
        if doc is None or not hmac.compare_digest(doc["token_sha256"], token_hash(token)):
            raise HTTPException(404, detail="未找到该受理编号，或查询凭证不正确")
        return ReportStatus(
            tracking_no=doc["tracking_no"], status=doc["status"], submitted_at=doc["submitted_at"],
            history=doc["history"], reply=doc.get("reply"), link=doc.get("link"),
        )

    return router


async def limit_body_size(request: Request, call_next, max_bytes: int):  # type: ignore[no-untyped-def]
    """Refuse oversized bodies before reading them (413)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > max_bytes):
        metrics.REPORTS_RECEIVED.labels(channel="unknown", category_hint="none", outcome="too_large").inc()
        return JSONResponse({"detail": f"请求体过大（上限 {max_bytes} 字节）"}, status_code=413)
    return await call_next(request)

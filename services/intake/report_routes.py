"""Intake's public HTTP API: submit a report, check its status (web form and mini-program)."""
from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from libs.common.http.access import access
from libs.common.http.errors import ApiError, documented
from services.intake import metrics
from services.intake.accept import Submitter, accept_report
from services.intake.auth import ip_rate_limit
from services.intake.context import Ctx, IntakeContext
from services.intake.models import (
    STATUS_ZH,
    HistoryItem,
    ReportAccepted,
    ReportIn,
    ReportStatus,
)
from services.intake.store import token_hash

TRACKING_NO = r"^[A-Za-z0-9]{1,16}-[0-9]{8}-[0-9]{6,}$"
router = APIRouter(prefix="/api/v1", tags=["reports 举报"], dependencies=[Depends(ip_rate_limit)])


@router.post("/reports", status_code=202, response_model=ReportAccepted, summary="提交举报",
             description="网页表单与小程序提交举报。先保存再返回 202：返回受理编号与查询凭证。"
                         "如内容涉及正在发生的人身危险，回执中的 advice 提示立即拨打 110。",
             responses=documented(413, 422, 429, 503), openapi_extra=access("public"))
async def submit(
    body: ReportIn, ctx: Ctx,
    channel: Annotated[Literal["web", "miniprogram"], Query(description="来源渠道：web 网页，miniprogram 小程序")] = "web",
) -> ReportAccepted:
    return await submit_report(body, ctx, channel)


async def submit_report(body: ReportIn, ctx: IntakeContext, channel: Literal["web", "miniprogram"]) -> ReportAccepted:
    """What the JSON API and the report form (services/intake/pages) both do with a valid report."""
    receipt, _ = await accept_report(body, Submitter(channel=channel), ctx.acceptor)
    ctx.accepted()
    metrics.received(channel, body.category_hint, "accepted")
    return receipt


@router.get("/reports/{tracking_no}", response_model=ReportStatus, summary="查询办理进度",
            description="凭受理编号与查询凭证查看办理进度、办理过程与最终答复。",
            responses=documented(404, 422, 429, 503), openapi_extra=access("public"))
async def status(
    ctx: Ctx,
    tracking_no: Annotated[str, Path(max_length=40, description="受理编号，如 NN-20261123-000042")],
    token: Annotated[str, Query(min_length=8, max_length=64, description="查询凭证")],
) -> ReportStatus:
    return status_of(await find_own_report(ctx, tracking_no, token))


async def find_own_report(ctx: IntakeContext, tracking_no: str, token: str) -> dict:  # type: ignore[type-arg]
    """The report with this number, if the token is its own (the API and the tracking page)."""
    doc = await ctx.store.get(tracking_no=tracking_no)
    # One answer for "no such number" and "wrong token": numbers are guessable.
    if doc is None or not hmac.compare_digest(doc["token_sha256"], token_hash(token)):
        raise ApiError(404, "not_found", "未找到该受理编号，或查询凭证不正确")
    return doc


def status_of(doc: dict) -> ReportStatus:  # type: ignore[type-arg]
    history = [HistoryItem(at=h["at"], status=h["status"], status_zh=STATUS_ZH.get(h["status"], ""), text=h["text"])
               for h in doc["history"]]
    return ReportStatus(
        tracking_no=doc["tracking_no"], status=doc["status"], status_zh=STATUS_ZH.get(doc["status"], ""),
        submitted_at=doc["submitted_at"], history=history, reply=doc.get("reply"), link=doc.get("link"),
    )

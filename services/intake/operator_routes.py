"""Operators (值班员): enter phone and email reports on a reporter's behalf, look at the
platform registry and at evidence snapshots. The shared guard checks the operator
(libs.common.http.access: every route here has the default, operator, access)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from libs.common.http.access import CurrentPrincipal
from libs.common.http.errors import ApiError, documented
from services.intake import metrics
from services.intake.accept import Submitter, accept_report
from services.intake.context import Ctx
from services.intake.models import OperatorReportIn, ReportAccepted
from services.intake.snapshot import first_broken_link

router = APIRouter(prefix="/api/v1/operator", tags=["operators 值班员"])


@router.post("/reports", status_code=202, response_model=ReportAccepted, summary="代录电话、邮件举报",
             description="值班员代举报人录入电话或邮件举报；把受理编号与查询凭证告知举报人。",
             responses=documented(401, 403, 413, 422, 503))
async def enter(body: OperatorReportIn, ctx: Ctx, principal: CurrentPrincipal) -> ReportAccepted:
    submitter = Submitter(channel=body.channel, record={"entered_by": body.operator, "entered_by_principal": principal.name})
    receipt, _ = await accept_report(body, submitter, ctx.acceptor)
    ctx.accepted()
    metrics.received(body.channel, body.category_hint, "accepted")
    return receipt


@router.get("/platforms", summary="平台名录（不含密钥）", responses=documented(401, 403, 503))
async def platforms(ctx: Ctx) -> list[dict[str, Any]]:
    return [{"id": p["_id"], "name": p.get("name"), "active": p.get("active"), "callback_url": p.get("callback_url"),
             "secret_configured": p.get("secret_source") in ("env", "dev"), "secret_source": p.get("secret_source")}
            for p in await ctx.store.platforms.all()]


@router.get("/evidence/{tracking_no}", summary="某条举报的证据快照（含哈希链）", responses=documented(401, 403, 404, 503))
async def evidence(ctx: Ctx, tracking_no: Annotated[str, Path(max_length=40, description="受理编号")]) -> dict[str, Any]:
    doc = await ctx.store.get(tracking_no=tracking_no)
    if doc is None:
        raise ApiError(404, "not_found", "未找到该受理编号")
    return {"tracking_no": tracking_no, "snapshot_state": (doc.get("snapshot") or {}).get("state"),
            "records": await ctx.store.snapshots.for_report(report_id=doc["_id"])}


@router.get("/evidence-chain", summary="校验证据哈希链", responses=documented(401, 403, 503))
async def chain(ctx: Ctx) -> dict[str, Any]:
    records = await ctx.store.snapshots.chain()
    broken = first_broken_link(records)
    return {"records": len(records), "intact": broken is None, "first_broken_seq": broken,
            "head": records[-1]["hash"] if records else None}

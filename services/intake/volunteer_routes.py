"""Volunteers (网络举报志愿者): register, report as a volunteer, see one's standing; the
ranking is for operators."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from libs.common.http.access import access
from libs.common.http.errors import documented
from services.intake import enrolment, metrics
from services.intake.accept import Submitter, accept_report
from services.intake.auth import Volunteer, ip_rate_limit
from services.intake.context import Ctx
from services.intake.models import ReportAccepted, ReportIn
from services.intake.volunteers import VolunteerIn, VolunteerRegistered, VolunteerStats

VolunteerId = Annotated[str, Path(max_length=40, description="志愿者编号")]
router = APIRouter(prefix="/api/v1/volunteers", tags=["volunteers 志愿者"])
limited = [Depends(ip_rate_limit)]


@router.post("", status_code=201, response_model=VolunteerRegistered, summary="志愿者登记", dependencies=limited,
             description="登记为网络举报志愿者。姓名与联系方式加密存储；返回志愿者编号与凭证。",
             responses=documented(413, 422, 429, 503), openapi_extra=access("public"))
async def register(body: VolunteerIn, ctx: Ctx) -> VolunteerRegistered:
    return await enrolment.register(ctx, body)


@router.get("/ranking", response_model=list[VolunteerStats], summary="志愿者排行（值班员）",
            responses=documented(401, 403, 422, 503),
            description="按积分排名：有效举报、被采纳（办结）加分，无效举报减分；含可信举报人标记。")
async def ranking(ctx: Ctx,
                  limit: Annotated[int, Query(ge=1, le=1000, description="返回前多少名")] = 100) -> list[VolunteerStats]:
    return await enrolment.ranked(ctx, limit)


@router.post("/{volunteer_id}/reports", status_code=202, response_model=ReportAccepted, summary="志愿者提交举报",
             dependencies=limited, responses=documented(401, 413, 422, 429, 503), openapi_extra=access("volunteer"),
             description="以志愿者身份提交举报（Authorization: Bearer 志愿者凭证）。可信举报人的举报带可信标记。")
async def submit(volunteer_id: VolunteerId, body: ReportIn, ctx: Ctx, volunteer: Volunteer) -> ReportAccepted:
    trusted = await enrolment.is_trusted_now(ctx, volunteer["_id"])
    submitter = Submitter(channel="volunteer", volunteer_id=volunteer["_id"], trusted=trusted)
    receipt, _ = await accept_report(body, submitter, ctx.acceptor)
    ctx.accepted()
    metrics.received("volunteer", body.category_hint, "accepted")
    return receipt


@router.get("/{volunteer_id}", response_model=VolunteerStats, summary="志愿者本人统计",
            dependencies=limited, responses=documented(401, 422, 429, 503), openapi_extra=access("volunteer"))
async def standing(volunteer_id: VolunteerId, ctx: Ctx, volunteer: Volunteer) -> VolunteerStats:
    return await enrolment.standing(ctx, volunteer)

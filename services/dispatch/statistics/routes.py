"""GET /api/v1/statistics/daily and /monthly (JSON or CSV): the upward reports (网情报送)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from libs.common.http.errors import ApiError, documented
from services.dispatch.context import Ctx, DispatchContext
from services.dispatch.statistics.compute import Statistics, summarize
from services.dispatch.statistics.period import Period, daily, monthly, parse_month, previous_month, yesterday
from services.dispatch.statistics.query import cases_for, rebuttals_in
from services.dispatch.statistics.render import to_csv

Format = Literal["json", "csv"]
MONTH = r"^\d{4}-\d{2}$"
router = APIRouter(prefix="/api/v1/statistics", tags=["reports upward 网情报送"], responses=documented(401, 403, 422))


async def answer(ctx: DispatchContext, period: Period, fmt: Format) -> Statistics | Response:
    stats = summarize(await cases_for(ctx.store.cases, period), period, ctx.clock.now(),
                      rumors_rebutted=await rebuttals_in(ctx.store.rebuttals, period))
    if fmt == "csv":
        filename = f"netreport-{period.kind}-{period.label}.csv"
        # The BOM makes spreadsheet programs read the Chinese names as UTF-8.
        return Response("\ufeff" + to_csv(stats), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return stats


@router.get("/daily", response_model=Statistics, summary="日报: one local day, due before 15:00 the day after",
            responses={200: {"content": {"text/csv": {}}}})
async def daily_report(ctx: Ctx,
                       date_: Annotated[date | None, Query(alias="date", description="YYYY-MM-DD; default yesterday")] = None,
                       format: Format = "json") -> Statistics | Response:  # noqa: A002
    tz = ctx.deadlines.tz
    try:
        period = daily(date_ or yesterday(ctx.clock.now(), tz), tz)
    except (ValueError, OverflowError) as exc:
        raise ApiError(422, "validation_failed", f"日期超出范围：{exc}") from None
    return await answer(ctx, period, format)


@router.get("/monthly", response_model=Statistics, summary="月报: one local calendar month",
            responses={200: {"content": {"text/csv": {}}}})
async def monthly_report(ctx: Ctx,
                         month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM; default last month")] = None,
                         format: Format = "json") -> Statistics | Response:  # noqa: A002
    tz = ctx.deadlines.tz
    try:
        year, number = parse_month(month) if month else previous_month(ctx.clock.now(), tz)
        period = monthly(year, number, tz)
    except (ValueError, OverflowError) as exc:
        raise ApiError(422, "validation_failed", f"月份无效：{exc}") from None
    return await answer(ctx, period, format)

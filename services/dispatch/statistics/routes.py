"""GET /api/v1/statistics/daily and /monthly (JSON or CSV), and the census loop, which runs
for as long as the HTTP app does (the router's lifespan)."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Response

from services.dispatch.statistics.census import run_census
from services.dispatch.statistics.compute import Statistics, summarize
from services.dispatch.statistics.period import Period, daily, monthly, parse_month, previous_month, yesterday
from services.dispatch.statistics.query import cases_for, rebuttals_in
from services.dispatch.statistics.render import to_csv

if TYPE_CHECKING:
    from services.dispatch.handlers import Dispatcher

Format = Literal["json", "csv"]
MONTH = r"^\d{4}-\d{2}$"


def statistics_router(dispatcher: Dispatcher) -> APIRouter:
    cases, clock, tz = dispatcher.store.cases, dispatcher.clock, dispatcher.deadlines.tz

    @contextlib.asynccontextmanager
    async def census_lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(run_census(cases, clock), name="case-census")
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    router = APIRouter(prefix="/api/v1/statistics", tags=["reports upward 网情报送"], lifespan=census_lifespan)

    async def answer(period: Period, fmt: Format) -> Statistics | Response:
        stats = summarize(await cases_for(cases, period), period, clock.now(),
                          rumors_rebutted=await rebuttals_in(dispatcher.store.rebuttals, period))
        if fmt == "csv":
            filename = f"netreport-{period.kind}-{period.label}.csv"
            # The BOM makes spreadsheet programs read the Chinese names as UTF-8.
            return Response("\ufeff" + to_csv(stats), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        return stats

    @router.get("/daily", response_model=Statistics, summary="日报: one local day, due before 15:00 the day after",
                responses={200: {"content": {"text/csv": {}}}})
    async def daily_report(date_: Annotated[date | None, Query(alias="date", description="YYYY-MM-DD; default yesterday")] = None,
                           format: Format = "json") -> Statistics | Response:
        return await answer(daily(date_ or yesterday(clock.now(), tz), tz), format)

    @router.get("/monthly", response_model=Statistics, summary="月报: one local calendar month",
                responses={200: {"content": {"text/csv": {}}}})
    async def monthly_report(month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM; default last month")] = None,
                             format: Format = "json") -> Statistics | Response:
        try:
            year, number = parse_month(month) if month else previous_month(clock.now(), tz)
        except ValueError as exc:
            raise HTTPException(422, detail=str(exc)) from exc
        return await answer(monthly(year, number, tz), format)

    return router

"""Dispatch's operator API (值班员): open and overdue cases by department, one case with its
history, the department directory; operators only (the default access). Reporters' pseudonyms and tracking numbers stay out:
an operator acting on a case needs what happened to it, not who reported it."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Path, Query

from libs.common.http.errors import ApiError, documented
from services.dispatch.context import Ctx, DispatchContext

INTERNAL = ("_outbox", "chase_done", "feedback_events", "takedowns_done", "takedowns_failed")
LISTED = ("_id", "status", "category", "zone", "severity", "department_code", "department_name", "dispatch_no",
          "dispatched_at", "deadline_at", "escalated_to", "transfer_to", "opened_at", "closed_at", "reopened")


def _reports(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: r.get(k) for k in ("report_id", "channel", "submitted_at", "severity")} for r in case.get("reports", [])]


def case_summary(case: dict[str, Any], now: datetime) -> dict[str, Any]:
    out = {k: case.get(k) for k in LISTED}
    out["case_id"] = out.pop("_id")
    out["report_count"] = len(case.get("reports", []))
    out["overdue"] = case["status"] in ("dispatched", "accepted") and bool(case.get("deadline_at")) and case["deadline_at"] <= now
    return out


def case_detail(case: dict[str, Any], now: datetime) -> dict[str, Any]:
    out = {k: v for k, v in case.items() if k not in INTERNAL}
    out = case_summary(case, now) | {k: v for k, v in out.items() if k not in ("_id",)}
    out["reports"] = _reports(case)
    out["history"] = case.get("history", [])  # in the order the changes were applied
    return out


router = APIRouter(prefix="/api/v1", tags=["operators 值班员"], responses=documented(401, 403, 422))


def _known_departments(ctx: DispatchContext) -> set[str]:
    return {d.code for d in ctx.directory.all_departments()} | set(ctx.platforms.codes())


@router.get("/cases", summary="案件列表：按承办单位、是否超期", responses=documented(404))
async def list_cases(
    ctx: Ctx,
    department: str | None = Query(None, max_length=100, description="承办单位代码，如 nn-city-police 或 platform.nanning-forum"),
    overdue: bool = Query(False, description="只看已超期（未办结且已过办理时限）"),
    status: Literal["open", "all"] = Query("open", description="open: 办理中；all: 含已办结"),
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    if department is not None and department not in _known_departments(ctx):
        raise ApiError(404, "not_found", f"没有这个承办单位：{department}")
    now = ctx.clock.now()
    cases = await ctx.store.list_cases(department=department, open_only=status == "open",
                                       overdue_at=now if overdue else None, limit=limit)
    return [case_summary(c, now) for c in cases]


@router.get("/cases/{case_id}", summary="案件详情与办理经过", responses=documented(404))
async def get_case(ctx: Ctx, case_id: str = Path(..., max_length=64)) -> dict[str, Any]:
    case = await ctx.store.get(case_id)
    if case is None:
        raise ApiError(404, "not_found", "没有这个案件")
    return case_detail(case, ctx.clock.now())


@router.get("/departments", summary="承办单位名录（含平台）")
async def departments(ctx: Ctx) -> list[dict[str, str]]:
    return [d.ref().model_dump() for d in ctx.directory.all_departments()] + \
        [p.ref().model_dump() for p in ctx.platforms.platforms]

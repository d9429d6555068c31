"""The console's review queue (人工复核): open cases triage judged difficult or was unsure
of; the operator confirms or changes category, zone and severity, which re-routes the case
when the corrected decision goes elsewhere (review.py), and every correction is kept as a
labelled example for triage's training (corrections.py). Operators only."""
from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from libs.common.events import TriageDecision, derive_event_id
from libs.common.http.access import CurrentPrincipal
from libs.common.http.errors import ApiError
from libs.common.vocabulary import ZONES, Category, Severity, Zone
from services.dispatch import metrics, review
from services.dispatch.context import Ctx
from services.dispatch.pages import views
from services.dispatch.pages.site import SiteDep

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/review")
async def queue(request: Request, ctx: Ctx, site: SiteDep) -> Response:
    now = ctx.clock.now()
    cases = [c for c in await ctx.store.list_cases(department=None, open_only=True, overdue_at=None, limit=1000)
             if review.needs_review(c)]
    rows = views.rows(cases, now, {"status": "open"})
    scores = {c["_id"]: review.model_score(c) for c in cases}
    return site.pages.render(request, "console_review.html", rows=rows, scores=scores)


@router.post("/cases/{case_id}/review")
async def correct(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal,
                  case_id: Annotated[str, Path(max_length=64)], category: Annotated[Category, Form()],
                  severity: Annotated[Severity, Form()], zone: Annotated[str, Form(max_length=64)] = "") -> Response:
    case = await ctx.store.get(case_id)
    if case is None:
        raise ApiError(404, "not_found", "没有这个案件")
    if case["status"] not in ("dispatched", "accepted"):
        raise ApiError(409, "conflict", "案件已办结或已移交，不能再复核")
    if zone and zone not in ZONES:
        raise ApiError(422, "validation_failed", "专区取值不在允许范围内")
    corrected = TriageDecision(category=category, zone=cast(Zone, zone) if zone else None, severity=severity)
    event_id = derive_event_id(f"review:{case_id}:{case['dispatch_no']}", f"{category}/{zone}/{severity}")
    change, events = review.review_change(case, corrected, event_id=event_id, now=ctx.clock.now(),
                                          directory=ctx.directory, routing=ctx.routing, platforms=ctx.platforms,
                                          deadlines=ctx.deadlines, by=who.name)
    applied = await ctx.store.apply(case_id, {"dispatch_no": case["dispatch_no"], "status": case["status"]},
                                    {"$set": change}, events)
    if applied:
        metrics.count_case_events(events)
        await ctx.store.record_correction(event_id, review.correction_line(case, corrected), by=who.name,
                                          at=ctx.clock.now())
    await site.audit(request, ctx, who, "case.review", case_id=case_id,
                     detail=f"{category}/{zone or '-'}/{severity}", outcome="ok" if applied else "refused")
    if not applied:
        raise ApiError(409, "conflict", "案件刚被其他操作更新，请刷新后重新复核")
    return site.pages.redirect(f"/console/cases/{case_id}?reviewed=1")

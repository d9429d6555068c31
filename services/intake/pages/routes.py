"""The reporter's pages (举报人页面): GET / the report form, POST / submit it, GET /track the
tracking page. Public, like the JSON API they mirror; the form needs its CSRF token and
shares the API's rate limit, validation (form.py) and storage (report_routes.submit_report).
Kept out of the OpenAPI document: they answer HTML, not the API's JSON."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from libs.common.http.access import access
from libs.common.http.errors import ApiError
from libs.common.vocabulary import CATEGORIES, ZONES
from services.intake import metrics
from services.intake.auth import ip_rate_limit
from services.intake.context import Ctx
from services.intake.models import IN_PROGRESS
from services.intake.pages import form as report_form
from services.intake.pages.divisions import load_divisions
from services.intake.report_routes import TRACKING_NO, find_own_report, status_of, submit_report

TEMPLATES = Path(__file__).with_name("templates")
public = access("public")
CITY, COUNTIES = load_divisions()
router = APIRouter(include_in_schema=False, dependencies=[Depends(ip_rate_limit)])


def _page_context(ctx: Ctx) -> dict[str, object]:
    terms = ctx.danger_rules.get()
    return {"categories": CATEGORIES, "zones": ZONES, "city": CITY, "counties": COUNTIES,
            # The form's script warns at once when the text reads as imminent danger; the
            # server decides again on submission (the same terms, services/intake/danger.py).
            "danger_terms": json.dumps({"life": terms.life, "now": terms.now, "acts": terms.acts}, ensure_ascii=False).replace("<", "\\u003c")}


@router.get("/", openapi_extra=public)
async def report_form_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return request.app.state.pages.render(request, "report_form.html", values={}, errors={}, **_page_context(ctx))


@router.post("/", openapi_extra=public)
async def submit_report_form(request: Request, ctx: Ctx) -> HTMLResponse:
    pages = request.app.state.pages
    await pages.csrf.check(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    body, errors = report_form.parse(form)
    if body is None:
        metrics.received("web", None, "rejected_invalid")
        return pages.render(request, "report_form.html", status=422, values=form, errors=errors, **_page_context(ctx))
    receipt = await submit_report(body, ctx, "web")
    return pages.render(request, "receipt.html", receipt=receipt)


@router.get("/track", openapi_extra=public)
async def tracking_page(request: Request, ctx: Ctx,
                        no: Annotated[str | None, Query(max_length=40)] = None,
                        token: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    pages = request.app.state.pages
    no, token = (no or "").strip(), (token or "").strip()
    if not no and not token:
        return pages.render(request, "track.html", no="", report=None, error=None)
    if not re.match(TRACKING_NO, no) or len(token) < 8:
        return pages.render(request, "track.html", status=422, no=no, report=None,
                            error="请填写完整的受理编号和查询凭证（受理成功时页面上显示的两项）")
    try:
        doc = await find_own_report(ctx, no, token)
    except ApiError as exc:
        return pages.render(request, "track.html", status=404, no=no, report=None, error=str(exc.detail))
    report = status_of(doc)
    return pages.render(request, "track.html", no=no, report=report, error=None, live=report.status in IN_PROGRESS)

"""The duty operator's console (值班员控制台): the live case list with severity, department,
deadline and time left, filtered; a case with its reports, triage's reasons, the routing
decision and the departments' answers; the daily and monthly reports; for admins, the
audit log. Operators and admins only (the default access)."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from libs.common.http.access import CurrentPrincipal, access
from libs.common.http.errors import ApiError
from libs.common.vocabulary import CATEGORIES, SEVERITIES, ZONES
from services.dispatch.context import Ctx
from services.dispatch.pages import views
from services.dispatch.pages.service_client import ServiceClient
from services.dispatch.pages.site import SiteDep

router = APIRouter(prefix="/console", include_in_schema=False)
Filter = Annotated[str, Query(max_length=100)]


@router.get("")
async def case_list(request: Request, ctx: Ctx, site: SiteDep, category: Filter = "", severity: Filter = "",
                    department: Filter = "", status: Filter = "open", division: Filter = "") -> Response:
    now = ctx.clock.now()
    filters = {"category": category, "severity": severity, "department": department, "status": status,
               "division": division}
    cases = await ctx.store.list_cases(department=department or None, open_only=status in ("open", "overdue"),
                                       overdue_at=now if status == "overdue" else None, limit=1000)
    departments = sorted(((d.code, d.name) for d in ctx.directory.all_departments()), key=lambda p: p[1])
    return site.pages.render(request, "console_list.html", rows=views.rows(cases, now, filters), filters=filters,
                             categories=CATEGORIES, severities=SEVERITIES, departments=departments,
                             statuses=[("open", "办理中"), ("overdue", "已超期"), ("closed", "已办结"), ("all", "全部")])


@router.get("/cases/{case_id}")
async def case_detail(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal,
                      case_id: Annotated[str, Path(max_length=64)]) -> Response:
    case = await ctx.store.get(case_id)
    if case is None:
        raise ApiError(404, "not_found", "没有这个案件")
    await site.audit(request, ctx, who, "case.view", case_id=case_id)
    evidence, chain, problem = await _evidence(request.app.state.intake, case)
    return site.pages.render(request, "console_case.html", case=case, row=views.row(case, ctx.clock.now()),
                             evidence=evidence, chain=chain, evidence_problem=problem,
                             answers=views.answers(case), history=case.get("history", []), event_zh=views.EVENT_ZH,
                             categories=CATEGORIES, severities=SEVERITIES, zones=ZONES,
                             reviewed=request.query_params.get("reviewed") == "1")


async def _evidence(intake: ServiceClient, case: dict) -> tuple[list[tuple[str, list]] | None, dict | None, str]:
    """Each report's snapshots of its URLs and the hash chain's check, from intake's API."""
    if not intake.configured:
        return None, None, "证据快照保存在受理服务中：未配置 DISPATCH_INTAKE_URL / DISPATCH_INTAKE_TOKEN。"
    found = []
    for report in case.get("reports", [])[:50]:
        if not report.get("tracking_no"):
            continue
        answer = await intake.call("GET", f"/operator/evidence/{report['tracking_no']}")
        if answer.status == 503 or (not answer.ok and answer.status != 404):
            return None, None, answer.message
        if answer.ok and answer.body.get("records"):
            found.append((report["tracking_no"], answer.body["records"]))
    chain = await intake.call("GET", "/operator/evidence-chain")
    return found, chain.body if chain.ok else None, ""


@router.get("/volunteers")
async def volunteers(request: Request, site: SiteDep) -> Response:
    """志愿者排行: points for valid and adopted reports, trusted reporters marked (intake's API)."""
    intake: ServiceClient = request.app.state.intake
    answer = await intake.call("GET", "/volunteers/ranking", params={"limit": 200}) if intake.configured else None
    problem = "" if answer and answer.ok else (answer.message if answer else "未配置 DISPATCH_INTAKE_URL / DISPATCH_INTAKE_TOKEN。")
    return site.pages.render(request, "console_volunteers.html", ranking=answer.body if answer and answer.ok else [],
                             problem=problem)


@router.get("/reports")
async def reports(request: Request, ctx: Ctx, site: SiteDep) -> Response:
    from zoneinfo import ZoneInfo

    today = ctx.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    yesterday = today - timedelta(days=1)
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return site.pages.render(request, "console_reports.html", yesterday=yesterday.isoformat(), last_month=last_month,
                             this_month=today.strftime("%Y-%m"), today=today.isoformat())


@router.get("/audit", openapi_extra=access("admin"))
async def audit_log(request: Request, site: SiteDep, case_id: Filter = "", actor: Filter = "") -> Response:
    entries = await site.accounts.read_audit(case_id=case_id or None, actor=actor or None, limit=300)
    return site.pages.render(request, "console_audit.html", entries=entries, case_id=case_id, actor=actor)

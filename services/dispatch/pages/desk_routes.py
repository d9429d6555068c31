"""The department desk (承办单位工作台): a department's staff see their own cases only — the
queue with deadlines, a case, and the three answers of cases.feedback (受理、办结、退回).
A case of another department answers 404, as if it did not exist."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from libs.common.http.access import CurrentPrincipal, Principal, access
from libs.common.http.errors import ApiError
from services.dispatch.answers import role_of
from services.dispatch.context import Ctx
from services.dispatch.pages import views
from services.dispatch.pages.desk_answer import DeskAction, answer_from_desk, feedback_from_desk
from services.dispatch.pages.site import SiteDep

router = APIRouter(prefix="/desk", include_in_schema=False)
department = access("department")
DONE_ZH = {"accepted": "已受理该案件", "handled": "已办结，结果已反馈并答复举报人", "rejected": "已退回，案件将改派"}


def _own(case: dict[str, Any] | None, who: Principal) -> dict[str, Any]:
    if case is None or who.department is None or role_of(case, who.department) is None:
        raise ApiError(404, "not_found", "没有这个案件，或该案件不由本单位办理")
    return case


@router.get("", openapi_extra=department)
async def queue(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal) -> Response:
    now = ctx.clock.now()
    cases = await ctx.store.desk_cases(who.department or "", limit=300)
    rows = views.rows(cases, now, {"status": "all"})
    open_rows = [r for r in rows if r["status"] in ("dispatched", "accepted")]
    closed_rows = [r for r in rows if r["status"] == "closed"][:50]
    name = ctx.directory.department(who.department).name if who.department in ctx.directory.department_unit else who.department
    return site.pages.render(request, "desk_queue.html", open_rows=open_rows, closed_rows=closed_rows, department_name=name)


@router.get("/cases/{case_id}", openapi_extra=department)
async def case_page(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal,
                    case_id: Annotated[str, Path(max_length=64)], done: str | None = None) -> Response:
    case = _own(await ctx.store.get(case_id), who)
    await site.audit(request, ctx, who, "case.view", case_id=case_id)
    return site.pages.render(request, "desk_case.html", case=case, row=views.row(case, ctx.clock.now()),
                             role=role_of(case, who.department or ""), history=case.get("history", []),
                             done=DONE_ZH.get(done or ""), refusal=None, event_zh=views.EVENT_ZH)


@router.post("/cases/{case_id}/answer", openapi_extra=department)
async def answer(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal,
                 case_id: Annotated[str, Path(max_length=64)],
                 action: Annotated[DeskAction, Form()], dispatch_no: Annotated[int, Form(ge=1)],
                 result: Annotated[str, Form(max_length=2000)] = "",
                 handler_name: Annotated[str, Form(max_length=100)] = "") -> Response:
    case = _own(await ctx.store.get(case_id), who)
    result, handler_name = result.strip(), handler_name.strip()
    if action in ("handled", "rejected") and not result:
        refusal = "请填写办理结果" if action == "handled" else "请填写退回理由（为什么不属于本单位职责）"
        return _again(request, ctx, site, case, who, refusal)
    fb = feedback_from_desk(ctx, case, department=who.department or "", action=action, result=result,
                            handler_name=handler_name, dispatch_no=dispatch_no)
    refusal = await answer_from_desk(ctx, case, fb)
    await site.audit(request, ctx, who, f"case.{action}", case_id=case_id, detail=result[:200],
                     outcome="ok" if refusal is None else "refused")
    if refusal is not None:
        return _again(request, ctx, site, case, who, refusal)
    if action == "rejected":  # the case now belongs to the next department: back to the queue
        return site.pages.redirect("/desk?done=rejected")
    return site.pages.redirect(f"/desk/cases/{case_id}?done={action}")


def _again(request: Request, ctx: Ctx, site: SiteDep, case: dict[str, Any], who: Principal, refusal: str) -> Response:
    return site.pages.render(request, "desk_case.html", status=422, case=case, row=views.row(case, ctx.clock.now()),
                             role=role_of(case, who.department or ""), history=case.get("history", []),
                             done=None, refusal=refusal, event_zh=views.EVENT_ZH)

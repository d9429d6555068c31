"""The duty pages of the console (值班): who is on duty now and checking in, the pages to
acknowledge or resolve, the roster with its swaps awaiting the leader, and the handover
logs (值班日志: drafted by the system, notes by the outgoing staff, acknowledged by the
incoming A; searchable, CSV and JSON). Operators and admins; planning the roster is the
admins'. Every action is in the audit log (duty/service.py)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from libs.common.http.access import CurrentPrincipal, access
from libs.common.http.errors import ApiError
from services.dispatch.context import Ctx
from services.dispatch.duty.handover import DutyLog, Note
from services.dispatch.duty.policy import LEVEL_ZH
from services.dispatch.duty.roster import Shift, slot_after
from services.dispatch.duty.service import DutyRefused, DutyService
from services.dispatch.pages.site import SiteDep

router = APIRouter(prefix="/console/duty", include_in_schema=False)
Name = Annotated[str, Form(max_length=64)]
ShiftId = Annotated[str, Path(max_length=16, pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")]
ROSTER_DAYS = 14
PAGE_KIND_ZH = {"urgent_case": "重大/突发案件", "overdue_case": "重要案件超期", "rumor_alert": "谣言预警",
                "channel_down": "媒体渠道故障", "no_checkin": "无人到岗", "handover_unacknowledged": "交接未确认"}
STATUS_ZH = {"open": "待确认", "acknowledged": "已确认", "resolved": "已处理"}


def _duty(request: Request) -> DutyService:
    return request.app.state.duty  # type: ignore[no-any-return]


def _refused(exc: DutyRefused) -> ApiError:
    return ApiError(409, "conflict", str(exc))


@router.get("")
async def duty_home(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal) -> Response:
    duty = _duty(request)
    now = ctx.clock.now()
    slot, shift = await duty.on_duty(now)
    following = slot_after(slot, duty.policy)
    planned = {s.shift_id: s for s in await duty.store.shifts_between(slot.starts_at, slot.starts_at + timedelta(days=ROSTER_DAYS))}
    roster, upcoming = [], slot
    for _ in range(ROSTER_DAYS * len(duty.policy.shift_starts)):  # from the shift on duty now
        roster.append((upcoming, planned.get(upcoming.shift_id)))
        upcoming = slot_after(upcoming, duty.policy)
    swaps = await duty.store.pending_swaps()
    shifts_of_swaps = {s.shift_id: planned.get(s.shift_id) or await duty.store.shift(s.shift_id) for s in swaps}
    return site.pages.render(request, "duty_home.html", slot=slot, shift=shift, following=following,
                             next_shift=planned.get(following.shift_id), pages=await duty.store.open_pages(),
                             roster=roster, swaps=swaps, swap_shifts=shifts_of_swaps, me=who.name, now=now,
                             LEVEL_ZH=LEVEL_ZH, PAGE_KIND_ZH=PAGE_KIND_ZH, STATUS_ZH=STATUS_ZH,
                             done=request.query_params.get("done", ""))


@router.post("/checkin")
async def check_in(request: Request, who: CurrentPrincipal) -> Response:
    try:
        await _duty(request).check_in(who)
    except DutyRefused as exc:
        raise _refused(exc) from None
    return request.app.state.site.pages.redirect("/console/duty?done=checkin")


@router.post("/pages/{page_id}/{action}")
async def page_action(request: Request, who: CurrentPrincipal, page_id: Annotated[str, Path(max_length=64)],
                      action: Literal["ack", "resolve"]) -> Response:
    duty = _duty(request)
    try:
        if action == "ack":
            await duty.acknowledge(page_id, who)
        else:
            await duty.resolve(page_id, who)
    except DutyRefused as exc:
        raise _refused(exc) from None
    return request.app.state.site.pages.redirect(f"/console/duty?done={action}")


@router.post("/plan", openapi_extra=access("admin"))
async def plan(request: Request, site: SiteDep, who: CurrentPrincipal,
               shift_id: Annotated[str, Form(max_length=16)], a: Name = "", b: Name = "", leader: Name = "") -> Response:
    for name in filter(None, (a, b, leader)):
        account = await site.accounts.get(name)
        if account is None or account.get("role") not in ("operator", "admin") or not account.get("active", True):
            raise ApiError(422, "validation_failed", f"账号 {name} 不存在或不是值班人员")
    if a and a == b:
        raise ApiError(422, "validation_failed", "A角 与 B角 不能是同一人")
    try:
        await _duty(request).plan(shift_id, a=a, b=b, leader=leader, by=who)
    except DutyRefused as exc:
        raise ApiError(422, "validation_failed", str(exc)) from None
    return site.pages.redirect("/console/duty?done=plan")


@router.post("/swaps")
async def request_swap(request: Request, site: SiteDep, who: CurrentPrincipal,
                       shift_id: Annotated[str, Form(max_length=16)], level: Annotated[Literal["a", "b"], Form()],
                       taker: Name, reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    account = await site.accounts.get(taker)
    if account is None or account.get("role") not in ("operator", "admin"):
        raise ApiError(422, "validation_failed", f"接班人 {taker} 不存在或不是值班人员")
    try:
        await _duty(request).request_swap(shift_id, level, who, taker, reason)
    except DutyRefused as exc:
        raise _refused(exc) from None
    return site.pages.redirect("/console/duty?done=swap")


@router.post("/swaps/{swap_id}/{decision}")
async def decide_swap(request: Request, who: CurrentPrincipal, swap_id: Annotated[str, Path(max_length=64)],
                      decision: Literal["approve", "reject"]) -> Response:
    try:
        await _duty(request).decide_swap(swap_id, approve=decision == "approve", by=who)
    except DutyRefused as exc:
        raise _refused(exc) from None
    return request.app.state.site.pages.redirect(f"/console/duty?done={decision}")


def _matches(doc: dict, q: str) -> bool:
    if not q:
        return True
    notes = " ".join(n.get("text", "") for n in doc.get("notes", []))
    people = " ".join(str(doc.get(k) or "") for k in ("a", "b", "leader", "acknowledged_by"))
    titles = " ".join(p.get("title", "") for p in doc.get("pages", []))
    return q in f"{doc['_id']} {notes} {people} {titles}"


@router.get("/logs")
async def logs(request: Request, site: SiteDep, q: Annotated[str, Query(max_length=100)] = "",
               fmt: Annotated[Literal["html", "csv"], Query(alias="format")] = "html") -> Response:
    docs = [d for d in await _duty(request).store.recent_logs(limit=400) if _matches(d, q)]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["班次", "A角", "B角", "带班领导", "受理举报", "新增案件", "办结", "超期", "升级督办", "谣言预警",
                         "辟谣", "呼叫", "交接确认人", "交接确认时间", "备注"])
        for d in docs:
            stats = d.get("statistics") or {}
            writer.writerow([d["_id"], d.get("a") or "", d.get("b") or "", d.get("leader") or "",
                             (stats.get("reports") or {}).get("total", ""), stats.get("cases_opened", ""),
                             stats.get("cases_closed", ""), stats.get("overdue_at_end", ""), d.get("escalated", ""),
                             d.get("rumor_alerts", ""), d.get("rebuttals_published", ""), len(d.get("pages", [])),
                             d.get("acknowledged_by") or "", d.get("acknowledged_at") or "",
                             " / ".join(n.get("text", "") for n in d.get("notes", []))])
        return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="netreport-duty-logs.csv"'})
    return site.pages.render(request, "duty_logs.html", docs=docs, q=q)


@router.get("/logs/{shift_id}")
async def log_detail(request: Request, ctx: Ctx, site: SiteDep, shift_id: ShiftId,
                     fmt: Annotated[Literal["html", "json"], Query(alias="format")] = "html") -> Response:
    duty = _duty(request)
    shift = await duty.store.shift(shift_id)
    doc = await duty.store.log_doc(shift_id)
    drafted: DutyLog | None = await duty.store.log(shift_id)
    if shift is None and doc is None:
        raise ApiError(404, "not_found", "没有这个班次的值班日志")
    now = ctx.clock.now()
    preview = drafted is None and shift is not None and shift.starts_at <= now
    log_ = drafted or (await request.app.state.duty_scheduler.draft(shift, now) if preview else None)
    if fmt == "json":
        if log_ is None:
            raise ApiError(404, "not_found", "该班次尚未开始")
        notes = [Note.model_validate(n).model_dump(mode="json") for n in (doc or {}).get("notes", [])]
        return JSONResponse(log_.model_dump(mode="json") | {"notes": notes, "draft": preview,
                                                            "acknowledged_by": (doc or {}).get("acknowledged_by")})
    return site.pages.render(request, "duty_log.html", shift_id=shift_id, shift=shift or _shift_of(doc), log=log_,
                             preview=preview, notes=(doc or {}).get("notes", []),
                             acknowledged_by=(doc or {}).get("acknowledged_by"),
                             acknowledged_at=(doc or {}).get("acknowledged_at"), LEVEL_ZH=LEVEL_ZH,
                             PAGE_KIND_ZH=PAGE_KIND_ZH, STATUS_ZH=STATUS_ZH, done=request.query_params.get("done", ""))


def _shift_of(doc: dict | None) -> Shift | None:
    if not doc or "starts_at" not in doc:
        return None
    return Shift(shift_id=doc["_id"], starts_at=doc["starts_at"], ends_at=doc["ends_at"], a=doc.get("a"),
                 b=doc.get("b"), leader=doc.get("leader"))


@router.post("/logs/{shift_id}/notes")
async def add_note(request: Request, site: SiteDep, who: CurrentPrincipal, shift_id: ShiftId,
                   text: Annotated[str, Form(min_length=1, max_length=4000)]) -> Response:
    try:
        await _duty(request).add_note(shift_id, who, text.strip())
    except DutyRefused as exc:
        raise _refused(exc) from None
    return site.pages.redirect(f"/console/duty/logs/{shift_id}?done=note")


@router.post("/logs/{shift_id}/ack")
async def acknowledge_log(request: Request, site: SiteDep, who: CurrentPrincipal, shift_id: ShiftId) -> Response:
    try:
        await _duty(request).acknowledge_log(shift_id, who)
    except DutyRefused as exc:
        raise _refused(exc) from None
    return site.pages.redirect(f"/console/duty/logs/{shift_id}?done=ack")

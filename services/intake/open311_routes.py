"""Open311 GeoReport v2 endpoints (FixMyStreet and other city systems' standard), JSON or XML
by the path's extension. The mapping is services/intake/open311.py; reports take the same
path as every other channel (accept_report: outbox, 受理编号, status history)."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from libs.common.http.access import access
from services.intake import metrics, open311
from services.intake.accept import Submitter, accept_report
from services.intake.context import Ctx, IntakeContext
from services.intake.models import STATUS_ZH
from services.intake.open311 import Open311Error

PREFIX = "/open311/v2"
KEY = {"name": "api_key", "in": "query", "required": True, "schema": {"type": "string"},
       "description": "The platform's Open311 key: <platform id>.<hex HMAC-SHA256(platform secret, 'open311-api-key')>"}
ERROR_LIST = {"type": "array", "items": {"type": "object", "required": ["code", "description"], "properties": {
    "code": {"type": "integer"}, "description": {"type": "string"}}}}


def _refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "A required field is missing or wrong", 403: "api_key missing, malformed or not valid",
            404: "No such service or service request", 429: "Too many requests from this platform"}
    return {c: {"description": text[c], "content": {"application/json": {"schema": ERROR_LIST}, "application/xml": {}}}
            for c in codes}


def _answer(fmt: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200) -> Response:
    if fmt == "xml":
        return Response(open311.to_xml(root, item, rows), status_code=status, media_type="application/xml")
    return JSONResponse(rows, status_code=status)


def _refused(fmt: str, error: Open311Error) -> Response:
    return _answer(fmt if fmt in open311.FORMATS else "json", "errors", "error", open311.errors(error), error.status)


router = APIRouter(prefix=PREFIX, tags=["Open311 GeoReport v2"])


async def platform_of(ctx: IntakeContext, api_key: str | None) -> str:
    platform_id = open311.key_platform(api_key)
    platform = await ctx.registry.active(platform_id)
    if platform is None or not open311.key_matches(api_key or "", platform.id, platform.secret):
        metrics.received("platform", None, "rejected_unauthorized")
        raise Open311Error(403, "api_key is not valid")
    if ctx.platform_limiter.take(platform.id, 1):
        metrics.received("platform", None, "rejected_rate_limited")
        raise Open311Error(429, "too many requests from this platform, retry later")
    return platform.id


def checked(fmt: str) -> str:
    if fmt not in open311.FORMATS:
        raise Open311Error(404, f"format {fmt!r} not found: json or xml")
    return fmt


@router.get("/services.{format}", summary="Service list: the report categories and zones",
            responses=_refusals(404), openapi_extra=access("public"))
async def services(format: str) -> Response:  # noqa: A002 - the spec's own name
    try:
        return _answer(checked(format), "services", "service", [s.listing() for s in open311.SERVICES])
    except Open311Error as e:
        return _refused(format, e)


@router.get("/services/{service_code}.{format}", summary="Service definition (no attributes)",
            responses=_refusals(404), openapi_extra=access("public"))
async def definition(service_code: str, format: str) -> Response:  # noqa: A002
    try:
        fmt, chosen = checked(format), open311.service(service_code)
    except Open311Error as e:
        return _refused(format, e)
    if fmt == "xml":
        return Response(open311.definition_xml(chosen.service_code), media_type="application/xml")
    return JSONResponse({"service_code": chosen.service_code, "attributes": []})


@router.post("/requests.{format}", summary="Create a service request (a report)", status_code=201,
             responses=_refusals(400, 403, 404, 429), openapi_extra={**access("signed"), "requestBody": {
                 "required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["api_key", "service_code", "description"], "properties": {
                         name: {"type": "string"} for name in (
                             "api_key", "service_code", "description", "address_string", "address_id", "lat", "long",
                             "media_url", "email", "phone", "first_name", "last_name", "device_id", "account_id")}}}}}})
async def create(format: str, request: Request, ctx: Ctx) -> Response:  # noqa: A002
    try:
        fmt = checked(format)
        form = dict(parse_qsl((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=False))
        platform_id = await platform_of(ctx, form.get("api_key"))
        body = open311.report_from_form(form)
    except Open311Error as e:
        if e.status == 400:
            metrics.received("platform", None, "rejected_invalid")
        return _refused(format, e)
    asked = {k: form[k] for k in ("service_code", "address_string", "address_id", "lat", "long", "media_url") if form.get(k)}
    receipt, _ = await accept_report(body, Submitter(channel="platform", platform_id=platform_id,
                                                     record={"open311": asked}), ctx.acceptor)
    ctx.accepted()
    metrics.received("platform", body.category_hint, "accepted")
    row = {"service_request_id": receipt.tracking_no, "service_notice": receipt.advice or "已受理",
           "account_id": form.get("account_id", "")}
    return _answer(fmt, "service_requests", "request", [row], status=201)


@router.get("/requests/{service_request_id}.{format}", summary="One service request's status",
            responses=_refusals(403, 404, 429), openapi_extra={**access("signed"), "parameters": [KEY]})
async def one(service_request_id: str, format: str, request: Request, ctx: Ctx) -> Response:  # noqa: A002
    return await _lookup(ctx, format, request.query_params.get("api_key"), [service_request_id], single=True)


@router.get("/requests.{format}", summary="Service requests' status by service_request_id (comma-separated)",
            responses=_refusals(400, 403, 404, 429), openapi_extra={**access("signed"), "parameters": [KEY, {
                "name": "service_request_id", "in": "query", "required": True, "schema": {"type": "string"},
                "description": "One or more ids, comma-separated (at most 50)"}]})
async def many(format: str, request: Request, ctx: Ctx) -> Response:  # noqa: A002
    ids = [i for i in (request.query_params.get("service_request_id") or "").split(",") if i.strip()]
    return await _lookup(ctx, format, request.query_params.get("api_key"), [i.strip() for i in ids], single=False)


async def _lookup(ctx: IntakeContext, fmt: str, api_key: str | None, ids: list[str], *, single: bool) -> Response:
    try:
        fmt = checked(fmt)
        platform_id = await platform_of(ctx, api_key)
        if not ids or len(ids) > 50:
            raise Open311Error(400, "service_request_id is required: one to 50 ids, comma-separated")
        docs = [await ctx.store.get(tracking_no=i) for i in ids[:50]]
        # A platform sees its own requests only: 受理编号 are guessable, and a citizen's report is not its business.
        rows = [open311.request_view(d, STATUS_ZH) for d in docs if d and d["content"].get("platform_id") == platform_id]
        if single and not rows:
            raise Open311Error(404, "service_request_id not found")
    except Open311Error as e:
        return _refused(fmt, e)
    return _answer(fmt, "service_requests", "request", rows)

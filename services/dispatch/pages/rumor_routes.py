"""The console's rumor pages (谣言线索与辟谣发布): the claims with their reports and alert;
for one claim the verification, the rebuttal editor with its preview, one-click publish
and each channel's delivery status with a retry. Operators only; every action goes through
rumor's operator API (service_client.py) and into the audit log."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response

from libs.common.http.access import CurrentPrincipal
from libs.common.http.errors import ApiError
from services.dispatch.context import Ctx
from services.dispatch.pages.service_client import ServiceClient
from services.dispatch.pages.site import SiteDep

router = APIRouter(prefix="/console/rumors", include_in_schema=False)
ClaimId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
DONE_ZH = {"verified": "核查结论已记录", "saved": "稿件已保存，下方为预览", "published": "已一键发布到媒体矩阵全部渠道",
           "republished": "已补发到该渠道"}


def _client(request: Request) -> ServiceClient:
    client: ServiceClient = request.app.state.rumor
    if not client.configured:
        raise ApiError(503, "rumor_not_configured", "谣言服务未配置（DISPATCH_RUMOR_URL、DISPATCH_RUMOR_TOKEN）")
    return client


@router.get("")
async def claims(request: Request, site: SiteDep,
                 status: Annotated[Literal["", "open", "verified", "published", "withdrawn"], Query()] = "") -> Response:
    params: dict[str, Any] = {"limit": 200} | ({"status": status} if status else {})
    answer = await _client(request).call("GET", "/claims", params=params)
    if not answer.ok:
        raise ApiError(502, "rumor_unavailable", answer.message)
    return site.pages.render(request, "rumor_list.html", claims=answer.body["items"], total=answer.body["total"],
                             status_filter=status)


async def _detail(request: Request, site: SiteDep, claim_id: str, *, done: str | None = None,
                  refusal: str | None = None, draft: dict[str, Any] | None = None, status: int = 200) -> Response:
    answer = await _client(request).call("GET", f"/claims/{claim_id}")
    if answer.status == 404:
        raise ApiError(404, "not_found", "没有这个谣言线索")
    if not answer.ok:
        raise ApiError(502, "rumor_unavailable", answer.message)
    claim = answer.body
    form = draft or claim.get("draft") or {}
    return site.pages.render(request, "rumor_claim.html", status=status, claim=claim, form=form,
                             links="\n".join(str(u) for u in form.get("evidence_links", [])),
                             done=DONE_ZH.get(done or ""), refusal=refusal)


@router.get("/{claim_id}")
async def claim(request: Request, site: SiteDep, claim_id: ClaimId, done: str | None = None) -> Response:
    return await _detail(request, site, claim_id, done=done)


async def _act(request: Request, ctx: Ctx, site: SiteDep, who: Any, claim_id: str, method: str, path: str,
               action: str, body: Any = None, done: str = "", draft: dict[str, Any] | None = None) -> Response:
    answer = await _client(request).call(method, path, json=body)
    await site.audit(request, ctx, who, f"rumor.{action}", detail=f"claim {claim_id}",
                     outcome="ok" if answer.ok else f"refused {answer.status}")
    if not answer.ok:
        return await _detail(request, site, claim_id, refusal=answer.message, draft=draft, status=422)
    return site.pages.redirect(f"/console/rumors/{claim_id}?done={done}")


@router.post("/{claim_id}/verification")
async def verify(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal, claim_id: ClaimId,
                 verdict: Annotated[Literal["false", "true", "unverifiable"], Form()],
                 note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    return await _act(request, ctx, site, who, claim_id, "POST", f"/claims/{claim_id}/verification", "verify",
                      {"verdict": verdict, "note": note, "operator": who.name}, "verified")


@router.post("/{claim_id}/rebuttal")
async def save_rebuttal(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal, claim_id: ClaimId,
                        title: Annotated[str, Form(max_length=200)], body: Annotated[str, Form(max_length=20000)],
                        authority: Annotated[str, Form(max_length=200)],
                        claim_reviewed: Annotated[str, Form(max_length=300)],
                        evidence_links: Annotated[str, Form(max_length=5000)] = "") -> Response:
    draft = {"title": title, "body": body, "authority": authority, "claim_reviewed": claim_reviewed,
             "evidence_links": [line.strip() for line in evidence_links.splitlines() if line.strip()]}
    return await _act(request, ctx, site, who, claim_id, "PUT", f"/claims/{claim_id}/rebuttal", "save_rebuttal",
                      draft, "saved", draft=draft)


@router.post("/{claim_id}/publish")
async def publish(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal, claim_id: ClaimId) -> Response:
    return await _act(request, ctx, site, who, claim_id, "POST", f"/claims/{claim_id}/rebuttal/publish", "publish",
                      done="published")


@router.post("/{claim_id}/deliveries/{channel}/republish")
async def republish(request: Request, ctx: Ctx, site: SiteDep, who: CurrentPrincipal, claim_id: ClaimId,
                    channel: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9_.-]+$")]) -> Response:
    return await _act(request, ctx, site, who, claim_id, "POST", f"/claims/{claim_id}/deliveries/{channel}/republish",
                      f"republish {channel}", done="republished")

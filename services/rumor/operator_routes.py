"""The operator API (值班员): claims with their reports, 核实查证, the rebuttal and its
publication, per-channel delivery status and 补发. Every route has the default access
(an operator: libs.common.http.access)."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query

from services.rumor.api_models import (
    ChannelOut, ClaimDetailOut, ClaimListOut, ClaimSummaryOut, CorrectionIn, DeliveryOut, RebuttalIn, RepublishOut,
    VerificationIn, WithdrawalIn,
)
from libs.common.http.errors import ApiError, documented
from services.rumor.context import Ctx, RumorContext
from services.rumor.publishing.editorial import ClaimNotFound, Editorial
from services.rumor.publishing.matrix import MediaMatrix
from services.rumor.publishing.rebuttals import STATUS_ZH, VERDICT_ZH, Refused
from services.rumor.store import StoredClaim

ClaimId = Path(..., pattern=r"^clm-[0-9a-f]{1,40}$", description="线索编号")


router = APIRouter(prefix="/api/v1", tags=["值班员：谣言线索与辟谣"], responses=documented(401, 403, 422, 503))
found, acted = documented(404), documented(404, 409)  # a claim looked up; a claim's state changed


@router.get("/claims", response_model=ClaimListOut, summary="谣言线索列表（按最近举报时间倒序）")
async def list_claims(ctx: Ctx, status: Literal["open", "verified", "published", "withdrawn"] | None = Query(
                          None, description="按状态筛选"),
                      limit: int = Query(50, ge=1, le=200, description="每页条数"),
                      offset: int = Query(0, ge=0, le=1_000_000, description="跳过条数")) -> ClaimListOut:
    total, claims = await ctx.editorial.store.list(status=status, limit=limit, skip=offset)
    return ClaimListOut(total=total, items=[_summary(c) for c in claims])


@router.get("/claims/{claim_id}", response_model=ClaimDetailOut, summary="线索详情：举报、核查、稿件、各渠道投递状态",
            responses=found)
async def get_claim(ctx: Ctx, claim_id: str = ClaimId) -> ClaimDetailOut:
    return await _detail(ctx, await _load(ctx.editorial, claim_id))


@router.post("/claims/{claim_id}/verification", response_model=ClaimDetailOut, summary="核实查证：记录核查结论",
             responses=acted)
async def verify(ctx: Ctx, body: VerificationIn, claim_id: str = ClaimId) -> ClaimDetailOut:
    return await _act(ctx, ctx.editorial.verify(claim_id=claim_id, verdict=body.verdict, note=body.note, by=body.operator))


@router.put("/claims/{claim_id}/rebuttal", response_model=ClaimDetailOut, summary="提交或修改辟谣稿件（发布前）",
            responses=acted)
async def attach(ctx: Ctx, body: RebuttalIn, claim_id: str = ClaimId) -> ClaimDetailOut:
    return await _act(ctx, ctx.editorial.attach(claim_id=claim_id, content=body.content()))


@router.post("/claims/{claim_id}/rebuttal/publish", response_model=ClaimDetailOut,
             summary="一键发布：推送到媒体矩阵全部渠道，并答复该线索的全部举报人", responses=acted)
async def publish(ctx: Ctx, claim_id: str = ClaimId) -> ClaimDetailOut:
    return await _act(ctx, ctx.editorial.publish(claim_id=claim_id))


@router.post("/claims/{claim_id}/rebuttal/correction", response_model=ClaimDetailOut,
             summary="更正已发布的辟谣稿件（新版本，推送到已收到的渠道并告知举报人）", responses=acted)
async def correct(ctx: Ctx, body: CorrectionIn, claim_id: str = ClaimId) -> ClaimDetailOut:
    return await _act(ctx, ctx.editorial.correct(claim_id=claim_id, content=body.content(), note=body.note))


@router.post("/claims/{claim_id}/rebuttal/withdrawal", response_model=ClaimDetailOut,
             summary="撤回已发布的辟谣稿件（通知已收到的渠道并告知举报人）", responses=acted)
async def withdraw(ctx: Ctx, body: WithdrawalIn, claim_id: str = ClaimId) -> ClaimDetailOut:
    return await _act(ctx, ctx.editorial.withdraw(claim_id=claim_id, reason=body.reason))


@router.post("/claims/{claim_id}/deliveries/{channel}/republish", response_model=RepublishOut, status_code=202,
             summary="补发：把当前版本重新投递到一个渠道（如该渠道此前失败）", responses=acted)
async def republish(ctx: Ctx, claim_id: str = ClaimId, channel: str = Path(..., description="渠道代码")) -> RepublishOut:
    try:
        sent = await ctx.editorial.republish(claim_id=claim_id, channel=channel)
    except ClaimNotFound:
        raise ApiError(404, "claim_not_found", "未找到该线索") from None
    except Refused as exc:
        raise ApiError(404 if exc.code == "unknown_channel" else 409, exc.code, exc.message) from None
    return RepublishOut(delivery_id=sent.event_id, channel=sent.channel, version=sent.version)


@router.get("/channels", response_model=list[ChannelOut], summary="媒体矩阵：渠道及其在本环境的配置情况")
async def channels(ctx: Ctx) -> list[ChannelOut]:
    out = []
    for spec in ctx.matrix.channels:
        problem = None if spec.adapter == "website" else ctx.endpoints[spec.code].problem
        out.append(ChannelOut(code=spec.code, name=spec.name, kind=spec.kind, adapter=spec.adapter,
                              configured=problem is None, problem=problem))
    return out


async def _load(ed: Editorial, claim_id: str) -> StoredClaim:
    claim = await ed.store.load(claim_id)
    if claim is None:
        raise ApiError(404, "claim_not_found", "未找到该线索")
    return claim


async def _act(ctx: RumorContext, change: Any) -> ClaimDetailOut:
    try:
        claim = await change
    except ClaimNotFound:
        raise ApiError(404, "claim_not_found", "未找到该线索") from None
    except Refused as exc:
        raise ApiError(409, exc.code, exc.message) from None
    return await _detail(ctx, claim)


def _summary(claim: StoredClaim) -> ClaimSummaryOut:
    p, desk, pub = claim.profile, claim.desk, claim.desk.publication
    return ClaimSummaryOut(
        claim_id=p.claim_id, status=desk.status, status_zh=STATUS_ZH[desk.status], verdict=desk.verdict,
        verdict_zh=VERDICT_ZH[desk.verdict] if desk.verdict else None, report_count=p.report_count,
        sample_texts=list(p.sample_texts), first_seen=p.first_seen, last_seen=p.last_seen, alerted_at=p.alerted_at,
        rebuttal_id=pub.rebuttal_id if pub else None, rebuttal_url=pub.url if pub else None,
        rebuttal_version=pub.version if pub else None)


async def _detail(ctx: RumorContext, claim: StoredClaim) -> ClaimDetailOut:
    desk, pub = claim.desk, claim.desk.publication
    deliveries: list[DeliveryOut] = []
    completed = None
    if pub is not None:
        rows = await ctx.editorial.media.of_claim(desk.claim_id, pub.rebuttal_id)
        deliveries = delivery_view(pub.channels, pub.version, rows, ctx.matrix)
        completed = ((claim.doc.get("fanout") or {}).get(f"v{pub.version}") or {}).get("completed_at")
    return ClaimDetailOut(
        **_summary(claim).model_dump(),
        verification=desk.verification.model_dump(mode="json") if desk.verification else None,
        draft=desk.draft.model_dump(mode="json") if desk.draft else None,
        publication=pub.model_dump(mode="json") if pub else None,
        deliveries=deliveries, fanout_completed_at=completed)


def delivery_view(planned: tuple[str, ...], version: int, rows: list[dict[str, Any]],
                  matrix: MediaMatrix) -> list[DeliveryOut]:
    """The latest delivery per channel (a re-publish supersedes a failure); a channel the
    current version is planned for but not yet picked up shows as queued for that version."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:  # ordered by version, then creation
        latest[row["channel"]] = row
    codes = list(dict.fromkeys([*planned, *latest]))
    out = []
    for code in codes:
        row = latest.get(code)
        spec = matrix.get(code)
        name = spec.name if spec else ""
        if row is None or (code in planned and row.get("version", 0) < version):
            out.append(DeliveryOut(channel=code, name=name, status="queued", version=version))
            continue
        out.append(DeliveryOut(channel=code, name=name, status=row["status"], version=row.get("version"),
                               action=row.get("action"), attempts=row.get("attempts", 0),
                               last_error=row.get("last_error"), reason=row.get("reason"),
                               delivery_id=row["_id"], updated_at=row.get("updated_at")))
    return out

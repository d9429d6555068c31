"""A platform's signed batch, from raw bytes to per-item results (平台推送).

In order: the platform must be known and active (404) → the signature must be right and
fresh (401) → a signature is accepted once (401 replayed) → the batch is read item by item
→ its idempotency key decides whether this is a retry: a retry with the same body gets the
first call's results and creates nothing; the same key with another body is refused (422).
A first call records its plan (ids, 受理编号, sealed status tokens) before creating any
report, so a crash half-way is finished by the retry with the very same reports.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from libs.common import signing
from services.intake import metrics
from services.intake.accept import Issued, Submitter, accept_report, issue
from services.intake.context import IntakeContext
from services.intake.danger import ADVICE, is_imminent_danger
from services.intake.platforms import (
    BatchInvalid,
    BatchResult,
    ItemResult,
    ParsedItem,
    PlatformReportIn,
    body_digest,
    parse_batch,
)
from services.intake.registry import ActivePlatform
from services.intake.sealed import STATUS_TOKEN


class WebhookRefused(Exception):
    def __init__(self, status: int, error: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, dict(headers or {})


async def authenticate(ctx: IntakeContext, platform_id: str, headers: Mapping[str, str], raw: bytes) -> ActivePlatform:
    platform = await ctx.registry.active(platform_id)
    if platform is None:
        metrics.received("platform", None, "rejected_unknown_platform")
        raise WebhookRefused(404, "unknown_platform", "未找到该平台，或该平台已停用")
    now = ctx.clock.now()
    signature = headers.get("x-signature")
    failure = signing.verify(platform.secret, timestamp=headers.get("x-timestamp"), signature=signature,
                             body=raw, now=now.timestamp(), skew_s=ctx.settings.webhook_skew_s)
    if failure is None and signature:
        # Kept a little longer than the window in which its timestamp is still accepted.
        expires = now + timedelta(seconds=2 * ctx.settings.webhook_skew_s + 60)
        if not await ctx.store.platforms.first_use(platform_id=platform.id, signature=signature, expires_at=expires):
            failure = "replayed"
    if failure is not None:
        metrics.WEBHOOK_SIGNATURE_FAILURES.labels(reason=failure).inc()
        metrics.received("platform", None, "rejected_unauthorized")
        raise WebhookRefused(401, "bad_signature", signing.FAILURE_ZH[failure])
    return platform


async def receive_batch(ctx: IntakeContext, platform: ActivePlatform, *, key: str, raw: bytes) -> BatchResult:
    digest = body_digest(raw)
    existing = await ctx.store.platforms.batch(platform_id=platform.id, key=key)
    if existing is None:
        items = _parse(ctx, raw)
        _take_tokens(ctx, platform.id, cost=len(items))
        plan = await _plan(ctx, items, digest)
        if await ctx.store.platforms.open_batch(platform_id=platform.id, key=key, doc=plan):
            await _complete(ctx, platform, key, plan, items)
            _count(items)
            metrics.WEBHOOK_BATCHES.labels(outcome="processed").inc()
            return _result(ctx, platform.id, key, plan, replayed=False)
        existing = await ctx.store.platforms.batch(platform_id=platform.id, key=key)  # lost a race
        assert existing is not None
    if existing["body_sha256"] != digest:
        metrics.WEBHOOK_BATCHES.labels(outcome="conflict").inc()
        raise WebhookRefused(422, "idempotency_conflict", "该幂等键已用于内容不同的请求；新批次请使用新的幂等键")
    if existing["state"] != "done":  # the first call stopped half-way: finish it, same reports
        await _complete(ctx, platform, key, existing, _parse(ctx, raw))
    metrics.WEBHOOK_BATCHES.labels(outcome="replayed").inc()
    return _result(ctx, platform.id, key, existing, replayed=True)


def _parse(ctx: IntakeContext, raw: bytes) -> list[ParsedItem]:
    try:
        return parse_batch(raw, ctx.settings.webhook_max_batch)
    except BatchInvalid as exc:
        metrics.WEBHOOK_BATCHES.labels(outcome="invalid").inc()
        metrics.received("platform", None, "rejected_invalid")
        raise WebhookRefused(422, "validation_failed", f"请求内容有误：{exc.field}：{exc.reason}") from None


def _take_tokens(ctx: IntakeContext, platform_id: str, cost: int) -> None:
    wait = ctx.platform_limiter.take(platform_id, cost)
    if wait:
        metrics.RATE_LIMITED.labels(scope="platform").inc()
        metrics.received("platform", None, "rejected_rate_limited")
        raise WebhookRefused(429, "rate_limited", "该平台推送过于频繁，请稍后重试（沿用同一幂等键）",
                             {"Retry-After": str(max(1, int(wait + 0.999)))})


async def _plan(ctx: IntakeContext, items: list[ParsedItem], digest: str) -> dict[str, Any]:
    good = [item for item in items if item.report is not None]
    issued = iter(await issue(ctx.store, tracking_prefix=ctx.settings.tracking_prefix, count=len(good)) if good else [])
    planned: list[dict[str, Any]] = []
    for item in items:
        row: dict[str, Any] = {"index": item.index, "external_id": item.external_id,
                               "errors": [e.model_dump() for e in item.errors]}
        if item.report is not None:
            ids = next(issued)
            row |= {"status": "accepted", "report_id": ids.report_id, "tracking_no": ids.tracking_no,
                    "token_sealed": ctx.privacy.seal({"t": ids.status_token}, purpose=STATUS_TOKEN, doc_id=ids.report_id), "submitted_at": ids.submitted_at,
                    "danger": is_imminent_danger(item.report.text, ctx.danger_rules.get())}
        else:
            row["status"] = "rejected"
        planned.append(row)
    return {"body_sha256": digest, "created_at": ctx.clock.now(), "items": planned}


async def _complete(ctx: IntakeContext, platform: ActivePlatform, key: str, plan: Mapping[str, Any],
                    items: list[ParsedItem]) -> None:
    accepting = []
    for row, item in zip(plan["items"], items, strict=True):
        if row["status"] != "accepted":
            continue
        assert isinstance(item.report, PlatformReportIn)
        report = item.report
        submitter = Submitter(channel="platform", platform_id=platform.id, record={
            "platform_ref": {"platform_id": platform.id, "external_id": report.external_id, "idempotency_key": key}})
        issued = Issued(row["report_id"], row["tracking_no"], _token(ctx, row), row["submitted_at"])
        accepting.append(accept_report(report, submitter, ctx.acceptor, issued))
    await asyncio.gather(*accepting)  # submitted together: stored in one group commit
    await ctx.store.platforms.close_batch(platform_id=platform.id, key=key, now=ctx.clock.now())
    ctx.accepted()


def _token(ctx: IntakeContext, row: Mapping[str, Any]) -> str:
    return str(ctx.privacy.unseal(row["token_sealed"], purpose=STATUS_TOKEN, doc_id=row["report_id"])["t"])


def _count(items: list[ParsedItem]) -> None:
    for item in items:
        hint = item.report.category_hint if item.report else None
        metrics.received("platform", hint, "accepted" if item.report else "rejected_invalid")


def _result(ctx: IntakeContext, platform_id: str, key: str, plan: Mapping[str, Any], *, replayed: bool) -> BatchResult:
    results: list[ItemResult] = []
    base = ctx.settings.public_base_url
    for row in plan["items"]:
        if row["status"] == "accepted":
            token = _token(ctx, row)
            results.append(ItemResult(
                index=row["index"], external_id=row["external_id"], status="accepted", report_id=row["report_id"],
                tracking_no=row["tracking_no"], status_token=token,
                status_url=f"{base}/api/v1/reports/{row['tracking_no']}?token={token}",
                advice=ADVICE if row.get("danger") else None))
        else:
            results.append(ItemResult(index=row["index"], external_id=row["external_id"], status="rejected",
                                      errors=row["errors"]))
    accepted = sum(r.status == "accepted" for r in results)
    return BatchResult(platform_id=platform_id, idempotency_key=key, accepted=accepted,
                       rejected=len(results) - accepted, replayed=replayed, results=results)

"""The case outcome a platform gets back (结果回传), and when to try again. Pure.

A platform pushed the report; when the case closes (办结), the report is judged invalid
(无效) or is handed to another city's center (移交), the platform receives the outcome,
signed with its own secret in the same scheme it signs with (signing.py).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

from libs.common.events import ReporterReply

OUTCOME_KINDS = frozenset({"closed", "invalid", "transferred"})
Verdict = Literal["delivered", "retry", "rejected"]


def wants_outcome(report: Mapping[str, Any], reply: ReporterReply) -> bool:
    content = report.get("content") or {}
    return reply.kind in OUTCOME_KINDS and content.get("channel") == "platform" and bool(content.get("platform_id"))


def outcome_payload(report: Mapping[str, Any], reply: ReporterReply) -> dict[str, Any]:
    """What the platform receives: its own reference back, our numbers, the outcome text."""
    content = report["content"]
    ref = report.get("platform_ref") or {}
    return {
        "event_id": reply.event_id,
        "platform_id": content["platform_id"],
        "external_id": ref.get("external_id"),
        "report_id": content["report_id"],
        "tracking_no": content["tracking_no"],
        "outcome": reply.kind,
        "status": reply.status or reply.kind,
        "text": reply.text,
        "case_id": reply.case_id,
        "link": reply.link,
        "occurred_at": reply.occurred_at.isoformat(),
    }


def encode(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def verdict_for(status: int) -> Verdict:
    """2xx delivered; a refusal the platform will repeat (4xx) is final; the rest is retried."""
    if 200 <= status < 300:
        return "delivered"
    if status in (408, 425, 429) or status >= 500:
        return "retry"
    return "rejected"


def retry_delay(attempts: int, base_s: float = 30.0, cap_s: float = 3600.0) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour between delivery passes."""
    return timedelta(seconds=min(cap_s, base_s * 2 ** max(0, attempts - 1)))

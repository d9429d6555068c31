"""The takedown callback to a platform (删除通知): what is signed and sent, what its answer
means, and how a platform's later answer is verified.

Pure. The scheme is the system's one (libs.common.signing), in the other direction:
    X-Timestamp: unix seconds
    X-Signature: hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))
The request id is the TakedownRequested event id: a platform that gets the same request
twice (a retry, a redelivery after a restart) sees the same id and removes once.
"""
from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from libs.common import signing
from libs.common.events import TakedownRequested
from libs.common.signing import sign, verify

__all__ = ["PlatformFeedback", "parse_answer", "request_body", "sign", "signed_headers", "verify"]

PlatformAction = Literal["accepted", "removed", "rejected"]


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {**signing.signed_headers(secret, timestamp, body), "Content-Type": "application/json"}


def request_body(event: TakedownRequested, *, feedback_url: str | None) -> bytes:
    """What the platform receives: the case, the URLs, the deadline; no personal data."""
    payload = {
        "request_id": event.event_id, "case_id": event.case_id, "dispatch_no": event.dispatch_no,
        "role": event.role, "category": event.category, "severity": event.severity,
        "deadline_at": event.deadline_at.isoformat(), "summary": event.summary,
        "target_urls": event.target_urls, "target_account": event.target_account,
        "feedback_url": feedback_url,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class PlatformAnswer(BaseModel):
    """A platform's answer, in its response or posted later to the feedback endpoint."""

    model_config = ConfigDict(extra="ignore")
    status: PlatformAction = "accepted"
    result: str | None = None
    handler_name: str | None = None


class PlatformFeedback(PlatformAnswer):
    """The body of POST /api/v1/platforms/{id}/feedback."""

    case_id: str
    dispatch_no: int | None = None


def parse_answer(body: bytes) -> PlatformAnswer:
    """A 2xx response: its status if it says one; an empty or unreadable body means received."""
    try:
        return PlatformAnswer.model_validate_json(body or b"{}")
    except ValidationError:
        return PlatformAnswer()


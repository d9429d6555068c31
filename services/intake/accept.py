"""Accepting a report: number it, seal the reporter's data, store it with its event.

`accept_report` is the one path every channel (web, mini-program, platform, volunteer,
operator-entered phone/email) goes through, so every report is handled alike.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from libs.common.events import ReportContent, ReportSubmitted, utcnow
from libs.common.privacy import Privacy
from libs.common.vocabulary import Channel
from services.intake.danger import ADVICE, DangerTerms, is_imminent_danger
from services.intake.models import ReportAccepted, ReportIn
from services.intake.store import IntakeStore
from services.intake.tracking import format_tracking_no, new_status_token


@dataclass(frozen=True)
class Submitter:
    """Who is submitting, beyond the report body."""

    channel: Channel
    volunteer_id: str | None = None
    trusted: bool = False
    platform_id: str | None = None


async def accept_report(
    body: ReportIn,
    submitter: Submitter,
    *,
    store: IntakeStore,
    privacy: Privacy,
    danger_terms: DangerTerms,
    tracking_prefix: str,
    base_url: str,
) -> tuple[ReportAccepted, ReportSubmitted]:
    now = utcnow()
    sequence = await store.next_sequence(now)
    tracking_no = format_tracking_no(tracking_prefix, now, sequence)
    contact = body.contact.model_dump(exclude_none=True) if body.contact else None
    identity = body.contact.identity() if body.contact else None
    if submitter.volunteer_id:
        identity = identity or f"volunteer:{submitter.volunteer_id}"
    danger = is_imminent_danger(body.text, danger_terms)
    content = ReportContent(
        report_id=uuid.uuid4().hex,
        tracking_no=tracking_no,
        channel=submitter.channel,
        text=body.text,
        category_hint=body.category_hint,
        zone_hint=body.zone_hint,
        target_urls=body.target_urls,
        target_platform=body.target_platform,
        target_account=body.target_account,
        evidence=body.evidence,
        location=body.location,
        region_code=body.region_code,
        reporter_pid=privacy.pseudonym(identity) if identity else None,
        volunteer_id=submitter.volunteer_id,
        trusted_reporter=submitter.trusted,
        platform_id=submitter.platform_id,
        imminent_danger=danger,
        submitted_at=now,
    )
    event = ReportSubmitted(report=content)
    token = new_status_token()
    await store.create(event=event, token=token, sealed_reporter=privacy.seal(contact) if contact else None)
    receipt = ReportAccepted(
        report_id=content.report_id,
        tracking_no=tracking_no,
        status_token=token,
        status_url=f"{base_url}/api/v1/reports/{tracking_no}?token={token}",
        advice=ADVICE if danger else None,
    )
    return receipt, event

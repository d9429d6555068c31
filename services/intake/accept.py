"""Accepting a report: number it, seal the reporter's data, store it with its event.

`accept_report` is the one path every channel (web, mini-program, platform, volunteer,
operator-entered phone/email) goes through, so every report is handled alike. A platform
batch first `issue`s the numbers of all its reports and records them, so a retried batch
re-creates exactly the same reports (same ids, same 受理编号), never new ones.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from libs.common.events import ReportContent, ReportSubmitted, utcnow
from libs.common.privacy import Privacy
from libs.common.vocabulary import Channel
from services.intake.danger import ADVICE, DangerTerms, is_imminent_danger
from services.intake.models import ReportAccepted, ReportIn
from services.intake.store import IntakeStore, token_hash
from services.intake.tracking import format_tracking_no, new_status_token


@dataclass(frozen=True)
class Submitter:
    """Who is submitting, beyond the report body."""

    channel: Channel
    volunteer_id: str | None = None
    trusted: bool = False
    platform_id: str | None = None
    # Stored on the report for the center's own use, never put on an event.
    record: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Issued:
    """What a report gets at once: its ids, its 受理编号, its status token and its time."""

    report_id: str
    tracking_no: str
    status_token: str
    submitted_at: datetime


@dataclass(frozen=True)
class Acceptor:
    """Everything `accept_report` needs, built once in app.py."""

    store: IntakeStore
    privacy: Privacy
    danger_terms: DangerTerms
    tracking_prefix: str
    base_url: str
    snapshot_urls: bool = False  # evidence snapshot on: queue the target URLs with the report


async def issue(store: IntakeStore, *, tracking_prefix: str, count: int = 1, now: datetime | None = None) -> list[Issued]:
    """Numbers for `count` reports in one database round trip (a block of the day's sequence)."""
    now = now or utcnow()
    first = await store.next_sequence(now, count)
    return [Issued(uuid.uuid4().hex, format_tracking_no(tracking_prefix, now, first + i), new_status_token(), now)
            for i in range(count)]


def build_event(body: ReportIn, submitter: Submitter, issued: Issued, *, privacy: Privacy,
                danger_terms: DangerTerms) -> ReportSubmitted:
    """Pure: the event for a report (the reporter only as a pseudonym)."""
    identity = body.contact.identity() if body.contact else None
    if submitter.volunteer_id:
        identity = identity or f"volunteer:{submitter.volunteer_id}"
    content = ReportContent(
        report_id=issued.report_id,
        tracking_no=issued.tracking_no,
        channel=submitter.channel,
        text=body.text,
        category_hint=body.category_hint,
        zone_hint=body.zone_hint,
        target_urls=body.target_urls,
        target_platform=body.target_platform,
        target_account=body.target_account,
        evidence=[e.to_event() for e in body.evidence],
        location=body.location,
        region_code=body.region_code,
        reporter_pid=privacy.pseudonym(identity) if identity else None,
        volunteer_id=submitter.volunteer_id,
        trusted_reporter=submitter.trusted,
        platform_id=submitter.platform_id,
        imminent_danger=is_imminent_danger(body.text, danger_terms),
        submitted_at=issued.submitted_at,
    )
    # Derived from the report id, so a re-created report carries the same event id.
    return ReportSubmitted(event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"report:{issued.report_id}").hex,
                           occurred_at=issued.submitted_at, report=content)


def receipt_for(issued: Issued, *, base_url: str, danger: bool) -> ReportAccepted:
    return ReportAccepted(
        report_id=issued.report_id,
        tracking_no=issued.tracking_no,
        status_token=issued.status_token,
        status_url=f"{base_url}/api/v1/reports/{issued.tracking_no}?token={issued.status_token}",
        advice=ADVICE if danger else None,
    )


async def accept_report(body: ReportIn, submitter: Submitter, acceptor: Acceptor,
                        issued: Issued | None = None) -> tuple[ReportAccepted, ReportSubmitted]:
    issued = issued or (await issue(acceptor.store, tracking_prefix=acceptor.tracking_prefix))[0]
    event = build_event(body, submitter, issued, privacy=acceptor.privacy, danger_terms=acceptor.danger_terms)
    contact = body.contact.model_dump(exclude_none=True) if body.contact else None
    await acceptor.store.create(
        event=event,
        token_sha256=token_hash(issued.status_token),
        sealed_reporter=acceptor.privacy.seal(contact) if contact else None,
        extra=submitter.record,
        snapshot_urls=body.target_urls if acceptor.snapshot_urls else None,
    )
    return receipt_for(issued, base_url=acceptor.base_url, danger=event.report.imminent_danger), event

"""Accepting a report: number it, seal the reporter's data, store it with its event.

`accept_report` is the one path every channel (web, mini-program, platform, volunteer,
operator-entered phone/email) goes through, so every report is handled alike. A platform
batch first `issue`s the numbers of all its reports and records them, so a retried batch
re-creates exactly the same reports (same ids, same 受理编号), never new ones.

Reports accepted at the same moment are numbered and stored together (`Acceptor.writer`,
a group commit): one counter update and one insert for all of them, whatever the channel.
A report's id is derived from its 受理编号 (`report_id_for`), so a status look-up by number
is a read by `_id` on any database, with no secondary index to rely on.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from libs.common.coalesce import Coalescer
from libs.common.events import ReportContent, ReportSubmitted, utcnow
from libs.common.privacy import Privacy
from libs.common.rulefile import Rules
from libs.common.vocabulary import Channel
from services.intake.danger import ADVICE, DangerTerms, is_imminent_danger
from services.intake.models import ReportAccepted, ReportIn
from services.intake.sealed import REPORTER
from services.intake.store import IntakeStore, token_hash
from services.intake.tracking import format_tracking_no, new_status_token, report_id_for


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
class Pending:
    """A report waiting for the next group commit."""

    body: ReportIn
    submitter: Submitter
    issued: Issued | None


@dataclass
class Acceptor:
    """Everything `accept_report` needs, built once in app.py."""

    store: IntakeStore
    privacy: Privacy
    danger_rules: Rules[DangerTerms]  # reloaded on change: new words advise the next reporter
    tracking_prefix: str
    base_url: str
    snapshot_urls: bool = False  # evidence snapshot on: queue the target URLs with the report
    # Told of every stored report with its outbox entries (the relay publishes them at once).
    on_stored: Callable[[str, list[dict[str, Any]]], None] = lambda _id, _entries: None

    def __post_init__(self) -> None:
        self.writer: Coalescer[Pending, tuple[ReportAccepted, ReportSubmitted]] = Coalescer(self._store_together)

    async def _store_together(self, pending: list[Pending]) -> list[tuple[ReportAccepted, ReportSubmitted]]:
        unnumbered = [p for p in pending if p.issued is None]
        fresh = iter(await issue(self.store, tracking_prefix=self.tracking_prefix, count=len(unnumbered))
                     if unnumbered else [])
        out, docs = [], []
        for p in pending:
            issued = p.issued or next(fresh)
            event = build_event(p.body, p.submitter, issued, privacy=self.privacy, danger_terms=self.danger_rules.get())
            contact = p.body.contact.model_dump(exclude_none=True) if p.body.contact else None
            docs.append(self.store.report_doc(
                event=event, token_sha256=token_hash(issued.status_token),
                sealed_reporter=self.privacy.seal(contact, purpose=REPORTER, doc_id=issued.report_id) if contact else None,
                extra=p.submitter.record,
                snapshot_urls=p.body.target_urls if self.snapshot_urls else None))
            out.append((receipt_for(issued, base_url=self.base_url, danger=event.report.imminent_danger), event))
        await self.store.create_many(docs)
        for doc in docs:
            self.on_stored(doc["_id"], doc["_outbox"])
        return out


async def issue(store: IntakeStore, *, tracking_prefix: str, count: int = 1, now: datetime | None = None) -> list[Issued]:
    """Numbers for `count` reports in one database round trip (a block of the day's sequence)."""
    now = now or utcnow()
    first = await store.next_sequence(now, count)
    numbers = [format_tracking_no(tracking_prefix, now, first + i) for i in range(count)]
    return [Issued(report_id_for(no), no, new_status_token(), now) for no in numbers]


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
    """Number (unless `issued` already), seal and store one report with its event; returns once stored."""
    return await acceptor.writer.submit(Pending(body, submitter, issued))

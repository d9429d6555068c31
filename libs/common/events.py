"""Every event carried on Kafka, as pydantic v2 models.

Each topic carries one event family. Every event has a schema version, an `event_id`
for idempotency and the `key` it is published under (case id, or report id before a
case exists). Derived events get deterministic ids (`derive_event_id`) so a redelivered
input produces the same output ids and downstream consumers skip the duplicates.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from libs.common.event_docs import CASE_EVENT_DATA, REPORTER_PID
from libs.common.vocabulary import Category, Channel, Severity, Zone

_NAMESPACE = uuid.UUID("5b7f3c1e-9a51-4a5e-9d0b-6f1c2a9e4b10")


def new_event_id() -> str:
    return uuid.uuid4().hex


def derive_event_id(parent_event_id: str, purpose: str) -> str:
    """Same parent and purpose, same id: re-running a handler re-publishes identical ids."""
    return uuid.uuid5(_NAMESPACE, f"{parent_event_id}:{purpose}").hex


def utcnow() -> datetime:
    return datetime.now(UTC)


# Every closed set of values is a named alias, so the published schemas name each one once
# (libs/common/event_schemas.py) and generated clients get one enum type per set.
DispatchRole = Literal["handler", "co", "supervisor"]
TakedownRole = Literal["handler", "co"]
DivisionLevel = Literal["province", "city", "county", "township", "village"]
DeliveryAction = Literal["publish", "correct", "withdraw"]
Verdict = Literal["false", "true", "unverifiable"]

class Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = Field(1, description="Version of this event's schema; raised on a breaking change.")
    event_id: str = Field(default_factory=new_event_id,
                          description="Unique id of this event. Delivery is at-least-once: skip an id already handled.")
    occurred_at: datetime = Field(default_factory=utcnow, description="When it happened (RFC 3339, UTC).")

    @property
    def key(self) -> str:  # overridden by every concrete event
        raise NotImplementedError


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)
    url: str | None = None
    sha256: str | None = None
    note: str | None = None


class ReportContent(BaseModel):
    """What a report says, with no personal data of the reporter."""

    model_config = ConfigDict(frozen=True)

    report_id: str
    tracking_no: str
    channel: Channel
    text: str
    category_hint: Category | None = None
    zone_hint: Zone | None = None
    target_urls: list[str] = Field(default_factory=list)
    target_platform: str | None = None
    target_account: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    location: str | None = None  # address text as the reporter wrote it
    region_code: str | None = None  # administrative-division code, if given
    reporter_pid: str | None = Field(None, description=REPORTER_PID + " Null: an anonymous report.")
    volunteer_id: str | None = None
    trusted_reporter: bool = False
    platform_id: str | None = None
    imminent_danger: bool = False
    submitted_at: datetime = Field(default_factory=utcnow)


class ReportSubmitted(Event):
    """reports.submitted: intake accepted a report."""

    type: Literal["report.submitted"] = "report.submitted"
    report: ReportContent

    @property
    def key(self) -> str:
        return self.report.report_id


class Reason(BaseModel):
    """One step of a decision, so an operator can audit it."""

    model_config = ConfigDict(frozen=True)
    rule: str  # e.g. "lexicon", "model", "severity.base", "severity.major_threat"
    detail: str
    terms: list[str] = Field(default_factory=list)
    score: float | None = None


class TriageDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: Category
    zone: Zone | None = None
    severity: Severity
    valid: bool = True
    invalid_reason: str | None = None  # shown to the reporter when not valid
    confidence: float = 1.0
    scores: dict[str, float] = Field(default_factory=dict)
    reasons: list[Reason] = Field(default_factory=list)


class CaseRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_id: str
    report_count: int = 1
    is_new: bool = True


class ReportTriaged(Event):
    """reports.triaged: a report judged and attached to a case."""

    type: Literal["report.triaged"] = "report.triaged"
    report: ReportContent
    decision: TriageDecision
    case: CaseRef

    @property
    def key(self) -> str:
        return self.case.case_id


class Division(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    name: str
    level: DivisionLevel
    path: list[str] = Field(default_factory=list)


class DepartmentRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    kind: str
    name: str = ""


class CaseDispatched(Event):
    """dispatch.<department_code>: a case handed to a department (转办). No personal data."""

    type: Literal["case.dispatched"] = "case.dispatched"
    case_id: str
    dispatch_no: int = 1  # increases on every re-route or escalation
    # handler: must act; co: acts with the handler (会同); supervisor: the level above,
    # after the deadline passed (督办); the handler's answer is what closes the case.
    role: DispatchRole = "handler"
    department: DepartmentRef
    division: Division
    category: Category
    zone: Zone | None = None
    severity: Severity
    deadline_at: datetime
    summary: str
    report_ids: list[str] = Field(default_factory=list)
    target_urls: list[str] = Field(default_factory=list)
    target_account: str | None = None
    reporter_pids: list[str] = Field(default_factory=list, description=(
        "The pseudonymous ids of the case's reporters (see reporter_pid). " + REPORTER_PID))
    reasons: list[Reason] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.case_id


FeedbackAction = Literal["accepted", "handled", "rejected", "removed"]


class CaseFeedback(Event):
    """cases.feedback: a department (or platform) answers on a case."""

    type: Literal["case.feedback"] = "case.feedback"
    case_id: str
    department_code: str
    action: FeedbackAction
    result: str | None = None  # what was found and done (handled), or why not ours (rejected)
    handler_name: str | None = None
    # The dispatch being answered (CaseDispatched.dispatch_no). Given, an answer to an earlier
    # round (before a re-route or a reopening) is recognised as stale and not applied.
    dispatch_no: int | None = None

    @property
    def key(self) -> str:
        return self.case_id


CaseEventKind = Literal[
    "dispatched", "accepted", "rerouted", "reminder", "overdue", "escalated",
    "handled", "closed", "reopened", "transferred", "upward_report", "digest",
    "severity_raised", "takedown_requested", "takedown_failed", "content_removed", "removal_confirmed",
    "still_online",
]


class CaseEvent(Event):
    """cases.events: what happened to a case (催办, 督办, escalation, closing, ...)."""

    type: Literal["case.event"] = "case.event"
    case_id: str
    kind: CaseEventKind
    department_code: str | None = Field(None, description="The case's current handler (a digest: the department it is for).")
    severity: Severity | None = None
    detail: str = ""
    data: dict[str, object] = Field(default_factory=dict, json_schema_extra=CASE_EVENT_DATA)

    @property
    def key(self) -> str:
        return self.case_id


class TakedownRequested(Event):
    """cases.takedown: content of a case sent to the platform hosting it for removal; dispatch
    delivers it as a signed HTTP callback. No personal data."""

    type: Literal["takedown.requested"] = "takedown.requested"
    case_id: str
    dispatch_no: int = 1
    platform_id: str
    # handler: the platform's removal settles the case; co: a department handles the case and
    # the platform is asked to remove the content meanwhile.
    role: TakedownRole = "handler"
    category: Category
    severity: Severity
    deadline_at: datetime
    summary: str
    target_urls: list[str] = Field(default_factory=list)
    target_account: str | None = None

    @property
    def key(self) -> str:
        return self.case_id


class CaseTransferred(Event):
    """cases.transferred: a case outside the city, handed to that city's center (移交)."""

    type: Literal["case.transferred"] = "case.transferred"
    case_id: str
    to_city: str
    division_code: str | None = None
    category: Category
    severity: Severity
    summary: str
    report_ids: list[str] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.case_id


ReplyKind = Literal["received", "invalid", "dispatched", "closed", "transferred", "rebuttal", "correction"]


class ReporterReply(Event):
    """reports.replies: a reply to a reporter (回复), stored by intake on the status record."""

    type: Literal["reporter.reply"] = "reporter.reply"
    report_id: str
    kind: ReplyKind
    text: str
    case_id: str | None = None
    link: str | None = None
    status: str | None = None  # new status of the report, if it changes

    @property
    def key(self) -> str:
        return self.report_id


RumorEventKind = Literal["claim_created", "alert", "published", "delivered", "delivery_failed", "corrected", "withdrawn"]


class RumorEvent(Event):
    """rumors.events: the rumor loop (谣言预警, 辟谣发布, 投递)."""

    type: Literal["rumor.event"] = "rumor.event"
    claim_id: str
    kind: RumorEventKind
    channel: str | None = None
    rebuttal_id: str | None = None
    detail: str = ""
    data: dict[str, object] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.claim_id


class MediaDelivery(Event):
    """media.<channel>: one rebuttal version to deliver to one channel of the media matrix."""

    type: Literal["media.delivery"] = "media.delivery"
    channel: str
    claim_id: str
    rebuttal_id: str
    version: int
    action: DeliveryAction = "publish"
    title: str
    body: str
    authority: str
    evidence_links: list[str] = Field(default_factory=list)
    url: str | None = None  # canonical page on the center's website
    # What the article rules on, so a channel can label it (谣言/属实/无法证实) without a lookup.
    verdict: Verdict | None = None
    claim_reviewed: str | None = None  # the claim in one public sentence (never a reporter's words)
    published_at: datetime | None = None  # first publication of this rebuttal (version 1)

    @property
    def key(self) -> str:
        return self.claim_id


class DeadLetter(BaseModel):
    """<topic>.dlq: a message a consumer could not handle, with the reason and raw bytes."""

    topic: str
    partition: int
    offset: int
    consumer: str
    error: str
    error_type: str
    key: str | None = None
    value_b64: str
    failed_at: datetime = Field(default_factory=utcnow)

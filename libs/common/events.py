"""Every event carried on Kafka, as pydantic v2 models.

Each topic carries one event family. Every event has a schema version, an `event_id`
for idempotency and the `key` it is published under (case id, or report id before a
case exists). Derived events get deterministic ids (`derive_event_id`) so a redelivered
input produces the same output ids and downstream consumers skip the duplicates.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

# Every string an event carries is bounded: a consumer meets the limit at parse time (a
# message beyond it is dead-lettered), never in the middle of its work or its storage.
Id = Annotated[str, Field(max_length=128)]
Short = Annotated[str, Field(max_length=200)]
Url = Annotated[str, Field(max_length=2000)]


def text(limit: int) -> Any:
    return Annotated[str, Field(max_length=limit)]


class Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = Field(1, description="Version of this event's schema; raised on a breaking change.")
    event_id: Id = Field(default_factory=new_event_id,
                          description="Unique id of this event. Delivery is at-least-once: skip an id already handled.")
    occurred_at: datetime = Field(default_factory=utcnow, description="When it happened (RFC 3339, UTC).")

    # The newest schema this code understands; a later version may have changed a field's
    # meaning, so it is refused (dead-lettered with the reason) rather than read as this one.
    SCHEMA_VERSION: ClassVar[int] = 1

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version > cls.SCHEMA_VERSION:
            raise ValueError(f"schema_version {version} is newer than {cls.SCHEMA_VERSION}, the one this consumer reads")
        return version

    @property
    def key(self) -> str:  # overridden by every concrete event
        raise NotImplementedError


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)
    url: Url | None = None
    sha256: Short | None = None
    note: text(500) | None = None


class ReportContent(BaseModel):
    """What a report says, with no personal data of the reporter."""

    model_config = ConfigDict(frozen=True)

    report_id: Id
    tracking_no: Id
    channel: Channel
    text: text(20_000)
    category_hint: Category | None = None
    zone_hint: Zone | None = None
    target_urls: list[Url] = Field(default_factory=list, max_length=50)
    target_platform: Short | None = None
    target_account: text(500) | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)
    location: text(500) | None = None  # address text as the reporter wrote it
    region_code: Id | None = None  # administrative-division code, if given
    reporter_pid: Id | None = Field(None, description=REPORTER_PID + " Null: an anonymous report.")
    volunteer_id: Id | None = None
    trusted_reporter: bool = False
    platform_id: Id | None = None
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
    rule: Short  # e.g. "lexicon", "model", "severity.base", "severity.major_threat"
    detail: text(4000)
    terms: list[Short] = Field(default_factory=list, max_length=500)
    score: float | None = None


class TriageDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: Category
    zone: Zone | None = None
    severity: Severity
    valid: bool = True
    invalid_reason: text(2000) | None = None  # shown to the reporter when not valid
    confidence: float = 1.0
    scores: dict[str, float] = Field(default_factory=dict)
    reasons: list[Reason] = Field(default_factory=list)


class CaseRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_id: Id
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
    code: Id
    name: Short
    level: DivisionLevel
    path: list[Short] = Field(default_factory=list, max_length=10)


class DepartmentRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: Id
    kind: Id
    name: Short = ""


class CaseDispatched(Event):
    """dispatch.<department_code>: a case handed to a department (转办). No personal data."""

    type: Literal["case.dispatched"] = "case.dispatched"
    case_id: Id
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
    summary: text(2000)
    report_ids: list[Id] = Field(default_factory=list)
    target_urls: list[Url] = Field(default_factory=list, max_length=200)
    target_account: text(500) | None = None
    reporter_pids: list[Id] = Field(default_factory=list, description=(
        "The pseudonymous ids of the case's reporters (see reporter_pid). " + REPORTER_PID))
    reasons: list[Reason] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.case_id


FeedbackAction = Literal["accepted", "handled", "rejected", "removed"]


class CaseFeedback(Event):
    """cases.feedback: a department (or platform) answers on a case."""

    type: Literal["case.feedback"] = "case.feedback"
    case_id: Id
    department_code: Id
    action: FeedbackAction
    result: text(2000) | None = None  # what was found and done (handled), or why not ours (rejected)
    handler_name: text(100) | None = None
    # The dispatch being answered (CaseDispatched.dispatch_no). Given, an answer to an earlier
    # round (before a re-route or a reopening) is recognised as stale and not applied.
    dispatch_no: int | None = None
    signature: Id | None = Field(None, description=(
        "hex(HMAC-SHA256(the department's key, the fields event_id, case_id, department_code, action, "
        "dispatch_no, result, handler_name as text joined by newlines; an absent value is empty text)). "
        "Required: an answer not signed by its department is not applied (dead-lettered)."))

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
    case_id: Id
    kind: CaseEventKind
    department_code: Id | None = Field(None, description="The case's current handler (a digest: the department it is for).")
    severity: Severity | None = None
    detail: text(4000) = ""
    data: dict[str, object] = Field(default_factory=dict, json_schema_extra=CASE_EVENT_DATA)

    @property
    def key(self) -> str:
        return self.case_id


class TakedownRequested(Event):
    """cases.takedown: content of a case sent to the platform hosting it for removal; dispatch
    delivers it as a signed HTTP callback. No personal data."""

    type: Literal["takedown.requested"] = "takedown.requested"
    case_id: Id
    dispatch_no: int = 1
    platform_id: Id
    # handler: the platform's removal settles the case; co: a department handles the case and
    # the platform is asked to remove the content meanwhile.
    role: TakedownRole = "handler"
    category: Category
    severity: Severity
    deadline_at: datetime
    summary: text(2000)
    target_urls: list[Url] = Field(default_factory=list, max_length=200)
    target_account: text(500) | None = None

    @property
    def key(self) -> str:
        return self.case_id


class CaseTransferred(Event):
    """cases.transferred: a case outside the city, handed to that city's center (移交)."""

    type: Literal["case.transferred"] = "case.transferred"
    case_id: Id
    to_city: Short
    division_code: Id | None = None
    category: Category
    severity: Severity
    summary: text(2000)
    report_ids: list[Id] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.case_id


ReplyKind = Literal["received", "invalid", "dispatched", "closed", "transferred", "rebuttal", "correction"]


class ReporterReply(Event):
    """reports.replies: a reply to a reporter (回复), stored by intake on the status record."""

    type: Literal["reporter.reply"] = "reporter.reply"
    report_id: Id
    kind: ReplyKind
    text: text(4000)
    case_id: Id | None = None
    link: Url | None = None
    status: Id | None = None  # new status of the report, if it changes

    @property
    def key(self) -> str:
        return self.report_id


RumorEventKind = Literal["claim_created", "alert", "published", "delivered", "delivery_failed", "corrected", "withdrawn"]


class RumorEvent(Event):
    """rumors.events: the rumor loop (谣言预警, 辟谣发布, 投递)."""

    type: Literal["rumor.event"] = "rumor.event"
    claim_id: Id
    kind: RumorEventKind
    channel: Id | None = None
    rebuttal_id: Id | None = None
    detail: text(4000) = ""
    data: dict[str, object] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.claim_id


class MediaDelivery(Event):
    """media.<channel>: one rebuttal version to deliver to one channel of the media matrix."""

    type: Literal["media.delivery"] = "media.delivery"
    channel: Id
    claim_id: Id
    rebuttal_id: Id
    version: int
    action: DeliveryAction = "publish"
    title: text(500)
    body: text(50_000)
    authority: Short
    evidence_links: list[Url] = Field(default_factory=list, max_length=50)
    url: Url | None = None  # canonical page on the center's website
    # What the article rules on, so a channel can label it (谣言/属实/无法证实) without a lookup.
    verdict: Verdict | None = None
    claim_reviewed: text(1000) | None = None  # the claim in one public sentence (never a reporter's words)
    published_at: datetime | None = None  # first publication of this rebuttal (version 1)

    @property
    def key(self) -> str:
        return self.claim_id


DutyPageKind = Literal["urgent_case", "overdue_case", "rumor_alert", "channel_down", "no_checkin", "handover_unacknowledged"]
DutyPageStep = Literal["paged", "escalated", "acknowledged", "resolved"]
DutyLevel = Literal["a", "b", "leader"]


class DutyPage(Event):
    """duty.pages: every step of a page to the staff on duty (值班呼叫): paged, escalated to the
    next level of the escalation policy (A角 → B角 → 带班领导), acknowledged, resolved. Staff
    account names only; no reporter data."""

    type: Literal["duty.page"] = "duty.page"
    page_id: Id
    kind: DutyPageKind
    step: DutyPageStep
    level: DutyLevel = Field(description="The level paged (paged, escalated) or the page's level when acknowledged or resolved.")
    person: Short | None = Field(None, description="The account paged, or who acknowledged or resolved; none when the roster has nobody there.")
    shift_id: Id | None = Field(None, description="The shift on duty, its local start: 2026-12-02T09:00.")
    subject: Id = Field(description="What the page is about: a case id, a claim id, a channel code or a shift id.")
    severity: Severity | None = None
    title: text(500)

    @property
    def key(self) -> str:
        return self.page_id


class DeadLetter(BaseModel):
    """<topic>.dlq: a message a consumer could not handle, with the reason and raw bytes."""

    topic: str
    partition: int
    offset: int
    consumer: str
    error: str
    error_type: str
    key: str | None = None
    value_b64: str = Field(..., description="The original message, base64; at most its first 64 KiB (see truncated).")
    value_size: int | None = Field(None, description="Size of the whole original message in bytes.")
    value_sha256: str | None = Field(None, description="SHA-256 of the whole original message, hex.")
    truncated: bool = Field(False, description="True when value_b64 holds only a prefix of the original.")
    failed_at: datetime = Field(default_factory=utcnow)

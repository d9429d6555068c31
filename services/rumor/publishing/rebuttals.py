"""核实查证 and 辟谣: the operator's side of a claim, as pure transitions.

A claim is `open` until an operator records a verdict (`verified`); a rebuttal draft is
attached, then published (`published`, version 1). A published rebuttal is corrected (a new
version, same rebuttal id) or withdrawn (`withdrawn`, a new version); after a withdrawal
it may be published again with a new verdict or draft. Every function returns the new
state or raises `Refused` with the reason in the operator's words; none does I/O.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["false", "true", "unverifiable"]
ClaimStatus = Literal["open", "verified", "published", "withdrawn"]
Action = Literal["publish", "correct", "withdraw"]

VERDICT_ZH: dict[str, str] = {"false": "虚假", "true": "属实", "unverifiable": "无法证实"}
STATUS_ZH: dict[str, str] = {"open": "待核实", "verified": "已核实", "published": "已发布", "withdrawn": "已撤回"}
_REBUTTAL_NS = uuid.UUID("2f0d7c9e-5b8a-4e61-9a3d-1c7e4b2a6f90")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Refused(Exception):
    """The transition is not allowed from this state (an HTTP 409 at the edge)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class Verification(_Frozen):
    verdict: Verdict
    note: str = ""
    by: str | None = None
    at: datetime


class RebuttalContent(_Frozen):
    """What is published: the article and what it rules on."""

    title: str
    body: str
    authority: str  # 发布机构
    claim_reviewed: str  # the claim in one public sentence
    evidence_links: tuple[str, ...] = ()


class Revision(_Frozen):
    version: int
    action: Action
    at: datetime
    note: str = ""


class Publication(_Frozen):
    rebuttal_id: str
    version: int
    state: Literal["published", "withdrawn"]
    verdict: Verdict
    content: RebuttalContent
    url: str
    published_at: datetime  # first publication; corrections keep it
    updated_at: datetime
    channels: tuple[str, ...]  # channels the latest version went to
    revisions: tuple[Revision, ...] = ()

    @property
    def action(self) -> Action:
        return self.revisions[-1].action if self.revisions else "publish"


class Desk(_Frozen):
    """The operator-side state of one claim (stored beside its clustering profile)."""

    claim_id: str
    status: ClaimStatus = "open"
    verification: Verification | None = None
    draft: RebuttalContent | None = None
    publication: Publication | None = None

    @property
    def verdict(self) -> Verdict | None:
        return self.verification.verdict if self.verification else None


def rebuttal_id_for(claim_id: str) -> str:
    """One rebuttal per claim, its id derived from the claim so a retried publish makes the same one."""
    return "rbt-" + uuid.uuid5(_REBUTTAL_NS, claim_id).hex[:20]


def verify(desk: Desk, *, verdict: Verdict, note: str, by: str | None, at: datetime) -> Desk:
    if desk.status == "published":
        raise Refused("already_published", "辟谣信息已发布，核查结论不能直接修改；请先更正或撤回")
    status: ClaimStatus = "withdrawn" if desk.status == "withdrawn" else "verified"
    return desk.model_copy(update={"status": status,
                                   "verification": Verification(verdict=verdict, note=note, by=by, at=at)})


def attach(desk: Desk, content: RebuttalContent) -> Desk:
    if desk.verification is None:
        raise Refused("not_verified", "请先完成核实查证（给出核查结论），再撰写辟谣稿件")
    if desk.status == "published":
        raise Refused("already_published", "辟谣信息已发布；修改内容请使用更正")
    return desk.model_copy(update={"draft": content})


def publish(desk: Desk, *, channels: tuple[str, ...], url: str, at: datetime) -> Desk:
    """First publication (version 1), or publication again after a withdrawal (next version)."""
    if desk.verification is None:
        raise Refused("not_verified", "请先完成核实查证，再发布")
    if desk.draft is None:
        raise Refused("no_draft", "尚未提交辟谣稿件，无法发布")
    if desk.status == "published":
        raise Refused("already_published", "该辟谣信息已发布；如需修改请使用更正或撤回")
    old = desk.publication
    version = old.version + 1 if old else 1
    publication = Publication(
        rebuttal_id=old.rebuttal_id if old else rebuttal_id_for(desk.claim_id), version=version,
        state="published", verdict=desk.verification.verdict, content=desk.draft, url=url,
        published_at=old.published_at if old else at, updated_at=at, channels=channels,
        revisions=(old.revisions if old else ()) + (Revision(version=version, action="publish", at=at),))
    return desk.model_copy(update={"status": "published", "publication": publication})


def correct(desk: Desk, *, content: RebuttalContent, note: str, channels: tuple[str, ...], at: datetime) -> Desk:
    """更正: a new version of a published rebuttal, to the channels that have (or will get) it."""
    old = _published(desk)
    if content == old.content:
        raise Refused("no_change", "更正内容与当前版本相同")
    version = old.version + 1
    publication = old.model_copy(update={
        "version": version, "content": content, "updated_at": at, "channels": channels,
        "revisions": old.revisions + (Revision(version=version, action="correct", at=at, note=note),)})
    return desk.model_copy(update={"publication": publication, "draft": content})


def withdraw(desk: Desk, *, reason: str, channels: tuple[str, ...], at: datetime) -> Desk:
    """撤回: a last version telling every channel that had it to take it down."""
    old = _published(desk)
    version = old.version + 1
    publication = old.model_copy(update={
        "version": version, "state": "withdrawn", "updated_at": at, "channels": channels,
        "revisions": old.revisions + (Revision(version=version, action="withdraw", at=at, note=reason),)})
    return desk.model_copy(update={"status": "withdrawn", "publication": publication})


def _published(desk: Desk) -> Publication:
    if desk.publication is None or desk.status != "published":
        raise Refused("not_published", "该线索没有已发布的辟谣信息")
    return desk.publication

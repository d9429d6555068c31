"""Fan-out planning (一键发布、全网转发): from a publication to the events that carry it. Pure.

One `MediaDelivery` per channel on `media.<channel>`, one `ReporterReply` per report of the
claim on `reports.replies`, one `RumorEvent` on `rumors.events`. Event ids derive from the
rebuttal, its version and the channel or report, so a retried operator action stages the
very same events and every consumer downstream skips the duplicates.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from libs.common.events import Event, MediaDelivery, ReporterReply, RumorEvent, derive_event_id
from libs.common.topics import REPORTS_REPLIES, RUMORS_EVENTS, media_topic
from services.rumor.publishing.rebuttals import VERDICT_ZH, Action, Desk, Publication

Staged = list[tuple[Event, str]]
_RUMOR_KIND = {"publish": "published", "correct": "corrected", "withdraw": "withdrawn"}


def _version_key(publication: Publication) -> str:
    return f"{publication.rebuttal_id}:v{publication.version}"


def delivery_id(publication: Publication, channel: str, *, republish_no: int = 0) -> str:
    purpose = f"media:{channel}" + (f":republish-{republish_no}" if republish_no else "")
    return derive_event_id(_version_key(publication), purpose)


def delivery(desk: Desk, channel: str, *, republish_no: int = 0, action: Action | None = None) -> MediaDelivery:
    """The current version of the claim's rebuttal, for one channel (`action` overrides the
    version's own, e.g. `publish` for a channel that never showed an earlier version)."""
    pub = _publication(desk)
    return MediaDelivery(
        event_id=delivery_id(pub, channel, republish_no=republish_no), occurred_at=pub.updated_at,
        channel=channel, claim_id=desk.claim_id, rebuttal_id=pub.rebuttal_id, version=pub.version,
        action=action or pub.action, title=pub.content.title, body=pub.content.body, authority=pub.content.authority,
        evidence_links=list(pub.content.evidence_links), url=pub.url, verdict=pub.verdict,
        claim_reviewed=pub.content.claim_reviewed, published_at=pub.published_at)


def reporter_reply(desk: Desk, report_id: str, *, first: bool = False) -> ReporterReply:
    """What one reporter of the claim is told about this version, with the link to the article;
    `first`: the reporter hears of the rebuttal for the first time (any version is news to them)."""
    pub = _publication(desk)
    first = first or pub.action == "publish"
    status = "rebutted" if first and pub.verdict == "false" else None
    return ReporterReply(event_id=derive_event_id(_version_key(pub), f"reply:{report_id}"), occurred_at=pub.updated_at,
                         report_id=report_id, kind="rebuttal" if first else "correction",
                         text=_first_text(pub) if first else _revision_text(pub), link=pub.url, status=status)


def late_reply(desk: Desk, report_id: str) -> ReporterReply | None:
    """A report that joins a claim whose rebuttal is out is answered at once with the current
    version; nothing while the claim is unpublished or its rebuttal withdrawn."""
    if desk.status != "published" or desk.publication is None:
        return None
    return reporter_reply(desk, report_id, first=True)


def _first_text(pub: Publication) -> str:
    c = pub.content
    lead = {"false": "经核查为谣言", "true": "经核实属实", "unverifiable": "目前无法证实"}[pub.verdict]
    return f"您举报的信息“{c.claim_reviewed}”{lead}（{VERDICT_ZH[pub.verdict]}）。{c.authority}已发布《{c.title}》，详见 {pub.url}"


def _revision_text(pub: Publication) -> str:
    c = pub.content
    if pub.action == "withdraw":
        return f"此前发布的《{c.title}》已撤回：{pub.revisions[-1].note}。如有新的核查结果，将另行告知。"
    return f"您举报的信息相关核查内容已更正（第{pub.version}版）：《{c.title}》，详见 {pub.url}。更正说明：{pub.revisions[-1].note}"


def rumor_event(desk: Desk) -> RumorEvent:
    pub = _publication(desk)
    return RumorEvent(event_id=derive_event_id(_version_key(pub), "rumor_event"), occurred_at=pub.updated_at,
                      claim_id=desk.claim_id, kind=_RUMOR_KIND[pub.action], rebuttal_id=pub.rebuttal_id,  # type: ignore[arg-type]
                      detail=pub.content.title,
                      data={"version": pub.version, "verdict": pub.verdict, "url": pub.url, "channels": len(pub.channels)})


def plan(desk: Desk, report_ids: Iterable[str]) -> Staged:
    """Everything the latest version sends: the rumor event, every channel, every reporter."""
    pub = _publication(desk)
    staged: Staged = [(rumor_event(desk), RUMORS_EVENTS)]
    staged += [(delivery(desk, code), media_topic(code)) for code in pub.channels]
    staged += [(reporter_reply(desk, rid), REPORTS_REPLIES) for rid in dict.fromkeys(report_ids)]
    return staged


def republish_action(publication: Publication, outcome: str | None) -> Action | None:
    """What a re-publish to one channel sends, given whether it ever showed the rebuttal:
    a channel that never did gets the current version as a first publication; a withdrawn
    rebuttal goes only to channels that still show an earlier version (None: nothing to do)."""
    shown = outcome == "delivered"
    if publication.state == "withdrawn":
        return "withdraw" if shown else None
    return publication.action if shown else "publish"


def revision_targets(planned: Sequence[str], outcomes: Mapping[str, str]) -> tuple[str, ...]:
    """Channels a correction or withdrawal goes to: the channels the last version went to,
    plus any that got the rebuttal since (a re-publish), minus those where every delivery
    failed (they never showed it; a re-publish sends them the current version). Pending ones
    are kept: the earlier version is still on its way and the newer one must follow it."""
    codes = list(dict.fromkeys([*planned, *(c for c, o in outcomes.items() if o == "delivered")]))
    return tuple(code for code in codes if outcomes.get(code) != "failed")


def _publication(desk: Desk) -> Publication:
    if desk.publication is None:
        raise ValueError(f"claim {desk.claim_id} has no publication")
    return desk.publication


def channel_outcomes(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Per channel, from its deliveries' statuses: `delivered` if any got through, `failed` if
    all of them ended in the DLQ, else `pending`."""
    seen: dict[str, set[str]] = {}
    for channel, status in rows:
        seen.setdefault(channel, set()).add(status)
    out = {}
    for channel, statuses in seen.items():
        out[channel] = "delivered" if "delivered" in statuses else "failed" if statuses == {"failed"} else "pending"
    return out

"""Operator verbs on a claim (核实查证、撰写、发布、更正、撤回、补发): load the claim, let
the pure domain decide, store the new state and the events it sends in one
compare-and-set write, wake the relay. Shared by the HTTP API and the CLI."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random

from libs.common.clock import Clock
from libs.common.events import Event, MediaDelivery
from libs.common.logs import get_logger
from libs.common.topics import media_topic
from services.rumor import metrics
from services.rumor.publishing import fanout, rebuttals
from services.rumor.publishing.matrix import MediaMatrix
from services.rumor.delivery.store import MediaStore
from services.rumor.publishing.rebuttals import Desk, RebuttalContent, Refused, Verdict
from services.rumor.store import ClaimConflict, RumorStore, StoredClaim

log = get_logger(__name__)
Decision = tuple[Desk, list[tuple[Event, str]], dict[str, Any]]


class ClaimNotFound(Exception):
    pass


@dataclass
class Editorial:
    store: RumorStore
    media: MediaStore
    matrix: MediaMatrix
    public_base_url: str
    clock: Clock
    staged: Callable[[], None] = lambda: None

    async def verify(self, *, claim_id: str, verdict: Verdict, note: str, by: str | None) -> StoredClaim:
        async def decide(claim: StoredClaim, now: datetime) -> Decision:
            return rebuttals.verify(claim.desk, verdict=verdict, note=note, by=by, at=now), [], {}
        return await self._change(claim_id, "verify", decide)

    async def attach(self, *, claim_id: str, content: RebuttalContent) -> StoredClaim:
        async def decide(claim: StoredClaim, now: datetime) -> Decision:
            return rebuttals.attach(claim.desk, content), [], {"draft_updated_at": now}
        return await self._change(claim_id, "attach", decide)

    async def publish(self, *, claim_id: str) -> StoredClaim:
        async def decide(claim: StoredClaim, now: datetime) -> Decision:
            desk = rebuttals.publish(claim.desk, channels=self.matrix.codes, at=now,
                                     url=self.page_url(rebuttals.rebuttal_id_for(claim_id)))
            return self._fan_out(claim, desk, now)
        return await self._change(claim_id, "publish", decide)

    async def correct(self, *, claim_id: str, content: RebuttalContent, note: str) -> StoredClaim:
        async def decide(claim: StoredClaim, now: datetime) -> Decision:
            targets = await self._revision_targets(claim)
            return self._fan_out(claim, rebuttals.correct(claim.desk, content=content, note=note,
                                                          channels=targets, at=now), now)
        return await self._change(claim_id, "correct", decide)

    async def withdraw(self, *, claim_id: str, reason: str) -> StoredClaim:
        async def decide(claim: StoredClaim, now: datetime) -> Decision:
            targets = await self._revision_targets(claim)
            return self._fan_out(claim, rebuttals.withdraw(claim.desk, reason=reason, channels=targets, at=now), now)
        return await self._change(claim_id, "withdraw", decide)

    async def republish(self, *, claim_id: str, channel: str) -> MediaDelivery:
        """补发: the current version once more to one channel (after it failed), as a new delivery."""
        if self.matrix.get(channel) is None:
            raise Refused("unknown_channel", f"媒体矩阵中没有渠道 {channel}")
        claim = await self._load(claim_id)
        if claim.desk.publication is None:
            raise Refused("not_published", "该线索尚未发布辟谣信息，无需补发")
        number = await self.store.bump_counter(claim_id, f"republish:{channel}")
        sent: list[MediaDelivery] = []

        async def decide(fresh: StoredClaim, now: datetime) -> Decision:
            pub = fresh.desk.publication
            assert pub is not None
            outcomes = await self._outcomes(fresh)
            action = fanout.republish_action(pub, outcomes.get(channel))
            if action is None:
                raise Refused("withdrawn", "辟谣信息已撤回，且该渠道从未刊登，无需补发")
            sent[:] = [fanout.delivery(fresh.desk, channel, republish_no=number, action=action)]
            return fresh.desk, [(sent[0], media_topic(channel))], {}
        await self._change(claim_id, "republish", decide)
        return sent[0]

    def page_url(self, rebuttal_id: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/rebuttals/{rebuttal_id}"

    # -- the one way a claim's desk changes -------------------------------------------------

    async def _change(self, claim_id: str, action: str,
                      decide: Callable[[StoredClaim, datetime], Awaitable[Decision]]) -> StoredClaim:
        # A conflict means the consumer absorbed a report meanwhile: decide again on the fresh
        # claim, so a publication's reply list includes that reporter.
        async for attempt in AsyncRetrying(stop=stop_after_attempt(8), wait=wait_random(0.01, 0.1),
                                           retry=retry_if_exception_type(ClaimConflict), reraise=True):
            with attempt:
                claim = await self._load(claim_id)
                desk, events, extra = await decide(claim, self.clock.now())
                await self.store.save_desk(claim, desk, events, extra)
        metrics.OPERATOR_ACTIONS.labels(action=action).inc()
        for kind in ("rebuttal", "correction"):
            replies = sum(1 for e, _ in events if getattr(e, "kind", None) == kind and hasattr(e, "report_id"))
            if replies:
                metrics.REPLIES.labels(kind=kind).inc(replies)
        log.info("claim_desk_changed", claim_id=claim_id, action=action, events=len(events))
        self.staged()
        return await self._load(claim_id)

    async def _load(self, claim_id: str) -> StoredClaim:
        claim = await self.store.load(claim_id)
        if claim is None:
            raise ClaimNotFound(claim_id)
        return claim

    def _fan_out(self, claim: StoredClaim, desk: Desk, now: datetime) -> Decision:
        pub = desk.publication
        assert pub is not None
        progress = {"action": pub.action, "planned": list(pub.channels), "delivered": [],
                    "started_at": now, "completed_at": None}
        return desk, fanout.plan(desk, claim.doc.get("report_ids", [])), {f"fanout.v{pub.version}": progress}

    async def _revision_targets(self, claim: StoredClaim) -> tuple[str, ...]:
        pub = claim.desk.publication
        return fanout.revision_targets(pub.channels, await self._outcomes(claim)) if pub else ()

    async def _outcomes(self, claim: StoredClaim) -> dict[str, str]:
        pub = claim.desk.publication
        if pub is None:
            return {}
        rows = await self.media.of_claim(claim.desk.claim_id, pub.rebuttal_id)
        return fanout.channel_outcomes((r["channel"], r["status"]) for r in rows)

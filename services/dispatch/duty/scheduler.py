"""The duty loop: escalates pages nobody acknowledged in time, pages the leader when a shift
has nobody checked in or a handover is not acknowledged, drafts each shift's duty log when
the shift ends, and keeps the duty gauges. `tick(now)` is one pass; tests move the clock.
Every action is guarded by its deterministic id or by the state it read, so two instances
or a restart act once."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from libs.common.logs import get_logger
from libs.common.waker import Waker, run_worker
from services.dispatch import metrics
from services.dispatch.casefile import open_case
from services.dispatch.context import DispatchContext
from services.dispatch.duty import handover, paging
from services.dispatch.duty.paging import Page
from services.dispatch.duty.roster import Shift, nobody_checked_in, slot_after, slot_at
from services.dispatch.duty.service import DutyService
from services.dispatch.statistics.period import shift as shift_period
from services.dispatch.statistics.query import cases_for, rebuttals_in

log = get_logger(__name__)


@dataclass
class DutyScheduler:
    duty: DutyService
    ctx: DispatchContext
    interval_s: float = 30.0

    async def run(self) -> None:
        async def one_tick() -> bool:
            await self.tick(self.ctx.clock.now())
            return False

        await run_worker(one_tick, Waker(), interval_s=self.interval_s, failed_event="duty_tick_failed")

    async def tick(self, now: datetime) -> int:
        store, policy = self.duty.store, self.duty.policy
        done = 0
        pages = await store.open_pages()
        for page in pages:
            if paging.escalation_due(page, now):
                done += await self.duty.escalate(page, now)
        slot = slot_at(now, policy)
        shift = await store.shift(slot.shift_id)
        if shift is not None and nobody_checked_in(shift, now, policy):
            done += await self.duty.page(paging.trigger_no_checkin(shift), now)
        previous = await store.shift(slot_at(slot.starts_at - timedelta(microseconds=1), policy).shift_id)
        if previous is not None:
            done += await self._handover(previous, now)
        self._measure(await store.open_pages() if done else pages, shift, now)
        return done

    async def _handover(self, ended: Shift, now: datetime) -> int:
        store = self.duty.store
        done = 0
        current = await store.log(ended.shift_id)
        if current is None:
            current = await self.draft(ended, now)
            done += await store.save_draft(current)
        overdue = handover.handover_overdue(current, now, self.duty.policy)
        metrics.DUTY_HANDOVER_PENDING.set(current.acknowledged_at is None)
        if overdue:
            done += await self.duty.page(paging.trigger_handover(ended.shift_id), now)
        return done

    async def draft(self, shift: Shift, now: datetime) -> handover.DutyLog:
        """The shift's duty log from the system's own state (also the console's live preview)."""
        d, policy = self.ctx, self.duty.policy
        period = shift_period(shift.shift_id, shift.starts_at, shift.ends_at, policy.tz)
        cases = await cases_for(d.store.cases, period)
        open_cases = [open_case(doc) for doc in await d.store.open_cases() if doc.get("deadline_at")]
        return handover.draft(shift, slot_after(shift, policy), cases=cases, open_cases=open_cases,
                              pages=await self.duty.store.pages_between(shift.starts_at, shift.ends_at),
                              rebuttals_published=await rebuttals_in(d.store.rebuttals, period), now=now,
                              duty=policy, deadlines=d.deadlines)

    def _measure(self, pages: list[Page], shift: Shift | None, now: datetime) -> None:
        waiting = [p for p in pages if p.status == "open"]
        by_level = Counter(p.level for p in waiting)
        for level in ("a", "b", "leader"):
            metrics.DUTY_PAGES_UNACKNOWLEDGED.labels(level=level).set(by_level.get(level, 0))
        oldest = min((p.opened_at for p in waiting), default=None)
        metrics.DUTY_OLDEST_UNACKNOWLEDGED.set((now - oldest).total_seconds() if oldest else 0)
        metrics.DUTY_ON_SHIFT.clear()
        for role in ("a", "b", "leader"):
            if shift is not None and shift.person(role):  # type: ignore[arg-type]
                checked = "yes" if role in shift.checkins or role == "leader" else "no"
                metrics.DUTY_ON_SHIFT.labels(role=role, checked_in=checked).set(1)

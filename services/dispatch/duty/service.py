"""Duty's edge: opens pages from case and rumor events, carries out the staff's actions
(check in, acknowledge, resolve, swap, notes, handover) and records each in the audit log.
The decisions are the pure modules'; this module reads and writes through DutyStore."""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from libs.common.clock import Clock
from libs.common.events import CaseEvent, RumorEvent
from libs.common.http.access import Principal
from libs.common.logs import get_logger
from libs.common.rulefile import Rules
from services.dispatch import metrics
from services.dispatch.duty import paging
from services.dispatch.duty.handover import Note, may_acknowledge, may_add_note
from services.dispatch.duty.paging import Page, PageTrigger
from services.dispatch.duty.policy import DutyPolicy
from services.dispatch.duty.roster import (
    Shift, SwapRequest, check_in, may_decide, may_request, slot_after, slot_at, slot_of_id,
)
from services.dispatch.duty.store import DutyStore

log = get_logger(__name__)
# (action, detail, actor name or None for the system, subject) → the audit log
Audit = Callable[[str, str, Principal | None, str | None], Awaitable[None]]


class DutyRefused(ValueError):
    """An action the rules do not allow (shown to the person, never a 500)."""


async def _no_audit(action: str, detail: str, actor: Principal | None, subject: str | None) -> None:
    return None


@dataclass
class DutyService:
    store: DutyStore
    policy_rules: Rules[DutyPolicy]  # reloaded on change: a new escalation applies to the next page
    clock: Clock
    audit: Audit = _no_audit

    @property
    def policy(self) -> DutyPolicy:
        return self.policy_rules.get()

    # pages
    async def page(self, trigger: PageTrigger, now: datetime) -> bool:
        slot = slot_at(now, self.policy)
        page = paging.open_page(trigger, slot, await self.store.shift(slot.shift_id), now, self.policy)
        if not await self.store.open_page(page, paging.step_event(page, "paged", now)):
            return False
        metrics.DUTY_PAGE_STEPS.labels(kind=page.kind, step="paged", level=page.level).inc()
        log.warning("duty_paged", page_id=page.page_id, kind=page.kind, level=page.level, person=page.person)
        await self.audit("duty.page", f"{page.title} → {paging.describe(page)}", None, page.subject)
        return True

    async def on_case_event(self, event: CaseEvent) -> None:
        trigger = paging.trigger_for_case(event, self.policy)
        if trigger is not None:
            await self.page(trigger, self.clock.now())

    async def on_rumor_event(self, event: RumorEvent) -> None:
        trigger = paging.trigger_for_rumor(event, self.policy)
        if trigger is not None:
            await self.page(trigger, self.clock.now())

    async def escalate(self, page: Page, now: datetime) -> bool:
        after = paging.escalate(page, await self.store.shift(page.shift_id), now, self.policy)
        if after is None or not await self.store.change_page(page, after, paging.step_event(after, "escalated", now)):
            return False
        metrics.DUTY_PAGE_STEPS.labels(kind=after.kind, step="escalated", level=after.level).inc()
        log.warning("duty_escalated", page_id=after.page_id, level=after.level, person=after.person)
        await self.audit("duty.escalate", f"{after.title} → {paging.describe(after)}", None, after.subject)
        return True

    async def _close(self, page_id: str, by: Principal, step: str) -> Page:
        who = by.name
        page = await self.store.page(page_id)
        if page is None:
            raise DutyRefused("没有这个呼叫")
        now = self.clock.now()
        try:
            after = paging.acknowledge(page, who, now) if step == "acknowledged" else paging.resolve(page, who, now)
        except paging.PageClosed as exc:
            raise DutyRefused(str(exc)) from None
        if not await self.store.change_page(page, after, paging.step_event(after, step, now)):  # type: ignore[arg-type]
            raise DutyRefused("该呼叫刚刚有了变化，请刷新后再试")
        metrics.DUTY_PAGE_STEPS.labels(kind=after.kind, step=step, level=after.level).inc()
        await self.audit(f"duty.{'ack' if step == 'acknowledged' else 'resolve'}", after.title, by, after.subject)
        return after

    async def acknowledge(self, page_id: str, by: Principal) -> Page:
        return await self._close(page_id, by, "acknowledged")

    async def resolve(self, page_id: str, by: Principal) -> Page:
        return await self._close(page_id, by, "resolved")

    # the roster
    async def on_duty(self, at: datetime | None = None) -> tuple[Any, Shift | None]:
        slot = slot_at(at or self.clock.now(), self.policy)
        return slot, await self.store.shift(slot.shift_id)

    async def plan(self, shift_id: str, *, a: str | None, b: str | None, leader: str | None, by: Principal) -> Shift:
        try:
            slot = slot_of_id(shift_id, self.policy)
        except ValueError as exc:
            raise DutyRefused(f"班次不存在：{exc}") from None
        shift = Shift(shift_id=slot.shift_id, starts_at=slot.starts_at, ends_at=slot.ends_at, a=a or None, b=b or None,
                      leader=leader or None)
        await self.store.plan_shift(shift)
        await self.audit("duty.plan", f"{shift_id}: A {a or '-'} / B {b or '-'} / 带班 {leader or '-'}", by, shift_id)
        return shift

    async def check_in(self, by: Principal) -> str:
        who = by.name
        now = self.clock.now()
        slot, shift = await self.on_duty(now)
        upcoming = await self.store.shift(slot_after(slot, self.policy).shift_id)
        for candidate in (shift, upcoming):  # the next shift's staff may check in early
            if candidate is None or not candidate.levels_of(who):
                continue
            try:
                level = check_in(candidate, who, now, self.policy)
            except ValueError as exc:
                raise DutyRefused(str(exc)) from None
            if await self.store.check_in(candidate.shift_id, level, now):
                await self.audit("duty.checkin", f"{candidate.shift_id} {level.upper()}角", by, candidate.shift_id)
                await self._settle_no_checkin(candidate, by)
            return candidate.shift_id
        raise DutyRefused(f"{who} 不在当前或下一班次的排班中")

    async def _settle_no_checkin(self, shift: Shift, by: Principal) -> None:
        """Someone arrived: the leader's "nobody checked in" page for the shift is settled by them."""
        page = await self.store.page(paging.trigger_no_checkin(shift).page_id)
        if page is not None and page.status != "resolved":
            try:
                await self.resolve(page.page_id, by)
            except DutyRefused:
                pass  # settled meanwhile by someone else

    async def request_swap(self, shift_id: str, level: str, by: Principal, taker: str, reason: str) -> SwapRequest:
        who = by.name
        shift = await self.store.shift(shift_id)
        if shift is None:
            raise DutyRefused("该班次尚未排班")
        now = self.clock.now()
        try:
            may_request(shift, level, who, taker, now)  # type: ignore[arg-type]
        except ValueError as exc:
            raise DutyRefused(str(exc)) from None
        swap = SwapRequest(swap_id=uuid.uuid4().hex, shift_id=shift_id, level=level, holder=who, taker=taker,  # type: ignore[arg-type]
                           reason=reason, requested_by=who, requested_at=now)
        await self.store.request_swap(swap)
        await self.audit("duty.swap.request", f"{shift_id} {level.upper()}角 {who} → {taker}：{reason}", by, shift_id)
        return swap

    async def decide_swap(self, swap_id: str, *, approve: bool, by: Principal) -> SwapRequest:
        who, is_admin = by.name, by.role == "admin"
        swap = await self.store.swap(swap_id)
        shift = await self.store.shift(swap.shift_id) if swap else None
        if swap is None or shift is None:
            raise DutyRefused("没有这个调班申请")
        try:
            may_decide(shift, swap, who, is_admin)
        except ValueError as exc:
            raise DutyRefused(str(exc)) from None
        if not await self.store.decide_swap(swap, approve=approve, by=who, at=self.clock.now()):
            raise DutyRefused("调班未生效：申请已处理或排班已变动")
        action = "duty.swap.approve" if approve else "duty.swap.reject"
        await self.audit(action, f"{swap.shift_id} {swap.level.upper()}角 {swap.holder} → {swap.taker}", by, swap.shift_id)
        return swap

    # the handover log
    async def add_note(self, shift_id: str, by: Principal, text: str) -> None:
        who, is_admin = by.name, by.role == "admin"
        shift = await self.store.shift(shift_id)
        if shift is None:
            raise DutyRefused("该班次尚未排班")
        try:
            may_add_note(shift, who, is_admin)
        except ValueError as exc:
            raise DutyRefused(str(exc)) from None
        note = Note(by=who, at=self.clock.now(), text=text)
        if not await self.store.add_note(shift_id, note, {"starts_at": shift.starts_at, "ends_at": shift.ends_at}):
            raise DutyRefused("值班日志已确认交接，不能再添加")
        await self.audit("duty.log.note", text[:200], by, shift_id)

    async def acknowledge_log(self, shift_id: str, by: Principal) -> None:
        who, is_admin = by.name, by.role == "admin"
        log_ = await self.store.log(shift_id)
        if log_ is None:
            raise DutyRefused("值班日志尚未生成（班次结束时生成）")
        incoming = await self.store.shift(slot_at(log_.ends_at, self.policy).shift_id)
        try:
            may_acknowledge(log_, incoming, who, is_admin)
        except ValueError as exc:
            raise DutyRefused(str(exc)) from None
        if not await self.store.acknowledge_log(shift_id, who, self.clock.now()):
            raise DutyRefused("该值班日志已确认交接")
        await self.audit("duty.log.ack", f"{shift_id} 交接确认", by, shift_id)

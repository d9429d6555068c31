"""Pure: shifts (班次) of the roster, who is A, B and leader on each, check-in (到岗打卡)
and swaps (调班, only with the leader's approval).

A shift's slot comes from the policy's start times: a shift runs from one start to the
next, so the 09:00 handover ends one shift and begins the next. A shift's id is its local
start, `2026-12-02T09:00`, the same whichever instance computes it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.dispatch.duty.policy import LEVELS, DutyPolicy, Level

SwapStatus = Literal["pending", "approved", "rejected"]


class Slot(BaseModel):
    model_config = ConfigDict(frozen=True)

    shift_id: str
    starts_at: datetime
    ends_at: datetime


class Shift(BaseModel):
    """One shift of the roster, as stored (the `_id` is the shift id)."""

    model_config = ConfigDict(frozen=True)

    shift_id: str
    starts_at: datetime
    ends_at: datetime
    a: str | None = None
    b: str | None = None
    leader: str | None = None
    checkins: dict[str, datetime] = Field(default_factory=dict)  # "a"/"b" → when

    def person(self, level: Level) -> str | None:
        return {"a": self.a, "b": self.b, "leader": self.leader}[level]

    def levels_of(self, name: str) -> list[Level]:
        return [level for level in LEVELS if self.person(level) == name]

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


def _slot(start: datetime, end: datetime, policy: DutyPolicy) -> Slot:
    return Slot(shift_id=start.astimezone(policy.tz).strftime("%Y-%m-%dT%H:%M"), starts_at=start, ends_at=end)


def slots_of_day(day: date, policy: DutyPolicy) -> list[Slot]:
    """The shifts that start on the local `day`."""
    tz = policy.tz
    starts = [datetime.combine(day, t, tz) for t in policy.shift_starts]
    ends = starts[1:] + [datetime.combine(day + timedelta(days=1), policy.shift_starts[0], tz)]
    return [_slot(s, e, policy) for s, e in zip(starts, ends, strict=True)]


def slot_at(at: datetime, policy: DutyPolicy) -> Slot:
    """The shift on duty at `at` (before the day's first start, it is yesterday's last)."""
    day = at.astimezone(policy.tz).date()
    for candidate in (*slots_of_day(day - timedelta(days=1), policy), *slots_of_day(day, policy)):
        if candidate.starts_at <= at < candidate.ends_at:
            return candidate
    raise AssertionError("the day's slots cover every instant")  # pragma: no cover


def slot_after(slot: Slot, policy: DutyPolicy) -> Slot:
    return slot_at(slot.ends_at, policy)


def slot_of_id(shift_id: str, policy: DutyPolicy) -> Slot:
    """The slot a shift id names; ValueError when it is not one of the policy's starts."""
    start = datetime.strptime(shift_id, "%Y-%m-%dT%H:%M").replace(tzinfo=policy.tz)
    slot = slot_at(start, policy)
    if slot.starts_at != start:
        raise ValueError(f"no shift starts at {shift_id}")
    return slot


class CheckInRefused(ValueError):
    pass


def check_in(shift: Shift, name: str, now: datetime, policy: DutyPolicy) -> Level:
    """Which role `name` checks in as; refused when not A or B of the shift or outside it."""
    roles = [level for level in shift.levels_of(name) if level in ("a", "b")]
    if not roles:
        raise CheckInRefused(f"{name} 不是本班次的 A角 或 B角")
    opens = shift.starts_at - timedelta(minutes=policy.checkin_opens_minutes)
    if not opens <= now < shift.ends_at:
        raise CheckInRefused("不在本班次的打卡时间内")
    return next((r for r in roles if r not in shift.checkins), roles[0])


def nobody_checked_in(shift: Shift, now: datetime, policy: DutyPolicy) -> bool:
    """Past the grace after the start with neither A nor B checked in: the leader is paged."""
    late = shift.starts_at + timedelta(minutes=policy.checkin_grace_minutes)
    return late <= now < shift.ends_at and not shift.checkins


class SwapRefused(ValueError):
    pass


class SwapRequest(BaseModel):
    """调班申请: `taker` takes `level` of the shift from its holder, once the leader approves."""

    model_config = ConfigDict(frozen=True)

    swap_id: str
    shift_id: str
    level: Literal["a", "b"]
    holder: str
    taker: str
    reason: str = ""
    requested_by: str
    requested_at: datetime
    status: SwapStatus = "pending"
    decided_by: str | None = None
    decided_at: datetime | None = None


def may_request(shift: Shift, level: Level, requester: str, taker: str, now: datetime) -> None:
    if level not in ("a", "b"):
        raise SwapRefused("只有 A角、B角 可以调班")
    holder = shift.person(level)
    if holder is None:
        raise SwapRefused("该岗位尚未排班")
    if requester != holder:
        raise SwapRefused("只有本人可以申请调出自己的班次")
    if taker == holder or taker in (shift.a, shift.b):
        raise SwapRefused("接班人已在本班次")
    if shift.ends_at <= now:
        raise SwapRefused("班次已结束")


def may_decide(shift: Shift, swap: SwapRequest, decider: str, is_admin: bool) -> None:
    """Only the shift's leader on duty (or an admin) approves or rejects; never the parties."""
    if swap.status != "pending":
        raise SwapRefused("该申请已处理")
    if decider in (swap.holder, swap.taker) and not is_admin:
        raise SwapRefused("申请双方不能自行批准")
    if decider != shift.leader and not is_admin:
        raise SwapRefused("只有本班次的带班领导可以批准")

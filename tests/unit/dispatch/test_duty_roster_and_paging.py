"""Duty's pure rules: shifts from the 09:00 handover, check-in, swaps only by the leader,
and the escalation policy A → B → leader with empty levels skipped."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from libs.common.events import CaseEvent, RumorEvent
from services.dispatch.duty import paging
from services.dispatch.duty.policy import DutyPolicy, load_duty_policy
from services.dispatch.duty.roster import (
    CheckInRefused, Shift, SwapRefused, SwapRequest, check_in, may_decide, may_request, nobody_checked_in, slot_after,
    slot_at, slot_of_id,
)

POLICY = load_duty_policy()
MON_0900 = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # 09:00 in Nanning


def shift(a: str | None = "zhang", b: str | None = "li", leader: str | None = "wang") -> Shift:
    slot = slot_at(MON_0900, POLICY)
    return Shift(shift_id=slot.shift_id, starts_at=slot.starts_at, ends_at=slot.ends_at, a=a, b=b, leader=leader)


def test_a_shift_runs_from_one_0900_handover_to_the_next_and_before_0900_it_is_yesterdays():
    slot = slot_at(MON_0900 + timedelta(hours=3), POLICY)
    assert slot.shift_id == "2025-03-10T09:00" and slot.ends_at - slot.starts_at == timedelta(hours=24)
    assert slot_at(MON_0900 - timedelta(minutes=1), POLICY).shift_id == "2025-03-09T09:00"
    assert slot_after(slot, POLICY).shift_id == "2025-03-11T09:00"
    assert slot_of_id("2025-03-10T09:00", POLICY) == slot
    with pytest.raises(ValueError):
        slot_of_id("2025-03-10T10:00", POLICY)  # no shift starts then


def test_day_and_night_shifts_when_the_policy_has_two_starts():
    from datetime import time

    two = DutyPolicy(shift_starts=[time(21, 0), time(9, 0)])
    night = slot_at(MON_0900 + timedelta(hours=13), two)  # 22:00
    assert night.shift_id == "2025-03-10T21:00" and night.ends_at == MON_0900 + timedelta(hours=24)


def test_only_the_a_and_b_check_in_and_only_around_their_shift():
    s = shift()
    assert check_in(s, "li", MON_0900 - timedelta(minutes=20), POLICY) == "b"
    with pytest.raises(CheckInRefused):
        check_in(s, "wang", MON_0900, POLICY)  # the leader is not A or B
    with pytest.raises(CheckInRefused):
        check_in(s, "zhang", MON_0900 - timedelta(hours=2), POLICY)


def test_nobody_checked_in_past_the_grace_is_noticed_and_one_check_in_is_enough():
    s = shift()
    assert not nobody_checked_in(s, MON_0900 + timedelta(minutes=9), POLICY)
    assert nobody_checked_in(s, MON_0900 + timedelta(minutes=10), POLICY)
    checked = s.model_copy(update={"checkins": {"b": MON_0900}})
    assert not nobody_checked_in(checked, MON_0900 + timedelta(minutes=30), POLICY)


def test_a_swap_is_asked_by_the_holder_and_decided_by_the_leader_never_by_the_parties():
    s = shift()
    may_request(s, "a", "zhang", "zhao", MON_0900)
    with pytest.raises(SwapRefused):
        may_request(s, "a", "li", "zhao", MON_0900)  # not li's place to give away
    with pytest.raises(SwapRefused):
        may_request(s, "a", "zhang", "li", MON_0900)  # li is on the shift already
    swap = SwapRequest(swap_id="s1", shift_id=s.shift_id, level="a", holder="zhang", taker="zhao",
                       requested_by="zhang", requested_at=MON_0900)
    may_decide(s, swap, "wang", is_admin=False)
    for decider in ("zhang", "zhao", "li"):
        with pytest.raises(SwapRefused):
            may_decide(s, swap, decider, is_admin=False)


def urgent(now: datetime = MON_0900) -> paging.PageTrigger:
    event = CaseEvent(case_id="case-1", kind="dispatched", severity="major", detail="持刀伤人预告", occurred_at=now)
    trigger = paging.trigger_for_case(event, POLICY)
    assert trigger is not None
    return trigger


def test_major_and_emergency_cases_overdue_important_ones_and_rumor_alerts_page_the_rest_does_not():
    assert urgent().kind == "urgent_case"
    assert paging.trigger_for_case(CaseEvent(case_id="c", kind="dispatched", severity="important"), POLICY) is None
    overdue = paging.trigger_for_case(CaseEvent(case_id="c", kind="overdue", severity="important",
                                                data={"deadline_at": "2025-03-11T02:00:00+00:00"}), POLICY)
    assert overdue is not None and overdue.kind == "overdue_case"
    assert paging.trigger_for_case(CaseEvent(case_id="c", kind="overdue", severity="general"), POLICY) is None
    alert = paging.trigger_for_rumor(RumorEvent(claim_id="clm-1", kind="alert", detail="20 reports"), POLICY)
    assert alert is not None and alert.kind == "rumor_alert"
    failed = [paging.trigger_for_rumor(RumorEvent(claim_id=f"clm-{i}", kind="delivery_failed", channel="weibo",
                                                  occurred_at=MON_0900 + timedelta(minutes=i)), POLICY) for i in range(3)]
    assert len({t.page_id for t in failed if t}) == 1  # a channel that stays down pages once a day


def test_a_repeated_event_or_a_raise_to_the_same_level_gives_the_same_page_id():
    again = paging.trigger_for_case(CaseEvent(case_id="case-1", kind="severity_raised", severity="major"), POLICY)
    assert again is not None and again.page_id == urgent().page_id


def test_unacknowledged_the_page_goes_a_then_b_then_the_leader_and_stays_there():
    s = shift()
    page = paging.open_page(urgent(), slot_at(MON_0900, POLICY), s, MON_0900, POLICY)
    assert (page.level, page.person) == ("a", "zhang")
    assert paging.escalate(page, s, MON_0900 + timedelta(minutes=9), POLICY) is None
    page = paging.escalate(page, s, MON_0900 + timedelta(minutes=10), POLICY)
    assert page is not None and (page.level, page.person) == ("b", "li")
    page = paging.escalate(page, s, MON_0900 + timedelta(minutes=20), POLICY)
    assert page is not None and (page.level, page.person) == ("leader", "wang") and page.escalate_at is None
    assert paging.escalate(page, s, MON_0900 + timedelta(hours=5), POLICY) is None
    assert [n.person for n in page.notices] == ["zhang", "li", "wang"]


def test_an_acknowledged_page_does_not_escalate_and_cannot_be_acknowledged_twice():
    s = shift()
    page = paging.acknowledge(paging.open_page(urgent(), slot_at(MON_0900, POLICY), s, MON_0900, POLICY), "zhang",
                              MON_0900 + timedelta(minutes=3))
    assert paging.escalate(page, s, MON_0900 + timedelta(hours=1), POLICY) is None
    with pytest.raises(paging.PageClosed):
        paging.acknowledge(page, "li", MON_0900 + timedelta(minutes=4))
    resolved = paging.resolve(page, "zhang", MON_0900 + timedelta(minutes=30))
    assert resolved.status == "resolved" and resolved.acknowledged_by == "zhang"


def test_a_level_with_nobody_rostered_is_skipped_and_no_roster_at_all_still_opens_the_page():
    page = paging.open_page(urgent(), slot_at(MON_0900, POLICY), shift(a=None), MON_0900, POLICY)
    assert (page.level, page.person) == ("b", "li")
    nobody = paging.open_page(urgent(), slot_at(MON_0900, POLICY), None, MON_0900, POLICY)
    assert (nobody.level, nobody.person, nobody.escalate_at) == ("leader", None, None)


def test_no_checkin_and_handover_pages_go_straight_to_the_leader():
    s = shift()
    page = paging.open_page(paging.trigger_no_checkin(s), slot_at(MON_0900, POLICY), s, MON_0900, POLICY)
    assert (page.level, page.person) == ("leader", "wang")
    assert paging.trigger_handover(s.shift_id).first_level == "leader"


def test_every_step_has_its_own_deterministic_event_id():
    s = shift()
    page = paging.open_page(urgent(), slot_at(MON_0900, POLICY), s, MON_0900, POLICY)
    paged = paging.step_event(page, "paged", MON_0900)
    assert paged.event_id == paging.step_event(page, "paged", MON_0900 + timedelta(seconds=5)).event_id
    up = paging.escalate(page, s, MON_0900 + timedelta(minutes=10), POLICY)
    assert up is not None and paging.step_event(up, "escalated", MON_0900).event_id != paged.event_id
    acked = paging.acknowledge(up, "li", MON_0900 + timedelta(minutes=11))
    assert paging.step_event(acked, "acknowledged", MON_0900).person == "li"


def test_a_rotation_makes_everyone_a_one_shift_and_b_the_next():
    from services.dispatch.duty.plan import rotation

    shifts = rotation(slot_at(MON_0900, POLICY), 3, ["zhang", "li"], ["wang"], POLICY)
    assert [(s.shift_id, s.a, s.b, s.leader) for s in shifts] == [
        ("2025-03-10T09:00", "zhang", "li", "wang"), ("2025-03-11T09:00", "li", "zhang", "wang"),
        ("2025-03-12T09:00", "zhang", "li", "wang")]
    with pytest.raises(ValueError):
        rotation(slot_at(MON_0900, POLICY), 3, ["zhang"], ["wang"], POLICY)  # no B

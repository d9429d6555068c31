"""The duty log drafted from the system's own state: what the shift received and did, the
pages and who acknowledged them, and what falls due in the next shift."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from libs.common.events import CaseEvent, DepartmentRef
from services.dispatch.chase import OpenCase
from services.dispatch.deadlines import load_deadline_policy
from services.dispatch.duty import paging
from services.dispatch.duty.handover import draft, handover_overdue, may_acknowledge
from services.dispatch.duty.policy import load_duty_policy
from services.dispatch.duty.roster import Shift, slot_after, slot_at

DUTY, DEADLINES = load_duty_policy(), load_deadline_policy()
START = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # Monday 09:00 local
POLICE = DepartmentRef(code="nn-city-police", kind="police", name="市公安局")


def case(case_id: str, opened: datetime, severity: str = "important", **extra) -> dict:
    return {"_id": case_id, "category": "fraud", "severity": severity, "status": "dispatched", "department_code": POLICE.code,
            "department_name": POLICE.name, "opened_at": opened, "deadline_at": opened + timedelta(hours=24),
            "reports": [{"submitted_at": opened, "channel": "web"}], **extra}


def test_the_draft_counts_the_shift_lists_its_pages_and_the_cases_due_next_shift():
    slot = slot_at(START, DUTY)
    shift = Shift(shift_id=slot.shift_id, starts_at=slot.starts_at, ends_at=slot.ends_at, a="zhang", b="li", leader="wang")
    cases = [case("c-1", START + timedelta(hours=2), escalated_at=START + timedelta(hours=5)),
             case("c-2", START + timedelta(hours=3), severity="major"),
             case("c-old", START - timedelta(days=3))]  # opened before the shift, still open
    open_cases = [OpenCase(case_id=c["_id"], department=POLICE, severity=c["severity"], dispatched_at=c["opened_at"],
                           deadline_at=c["deadline_at"]) for c in cases]
    trigger = paging.trigger_for_case(CaseEvent(case_id="c-2", kind="dispatched", severity="major"), DUTY)
    page = paging.acknowledge(paging.open_page(trigger, slot, shift, START + timedelta(hours=3), DUTY), "zhang",
                              START + timedelta(hours=3, minutes=2))
    log = draft(shift, slot_after(slot, DUTY), cases=cases, open_cases=open_cases, pages=[page], rebuttals_published=1,
                now=slot.ends_at, duty=DUTY, deadlines=DEADLINES)
    assert log.statistics.reports.total == 2 and log.statistics.reports.by_severity["major"] == 1
    assert log.statistics.cases_opened == 2 and log.escalated == 1 and log.rebuttals_published == 1
    assert [p.acknowledged_by for p in log.pages] == ["zhang"] and log.pages[0].paged == ["A角 zhang"]
    assert {i.case_id for i in log.due_next_shift} == {"c-1", "c-2", "c-old"}  # all due before Wednesday 09:00
    assert any(d.department.code == POLICE.code for d in log.digest)
    assert not handover_overdue(log, slot.ends_at + timedelta(minutes=29), DUTY)
    assert handover_overdue(log, slot.ends_at + timedelta(minutes=30), DUTY)
    incoming_slot = slot_after(slot, DUTY)
    incoming = Shift(shift_id=incoming_slot.shift_id, starts_at=incoming_slot.starts_at, ends_at=incoming_slot.ends_at,
                     a="zhao", b="qian", leader="wang")
    may_acknowledge(log, incoming, "zhao", is_admin=False)
    try:
        may_acknowledge(log, incoming, "zhang", is_admin=False)  # the outgoing A cannot sign their own handover
    except ValueError:
        pass
    else:
        raise AssertionError("the outgoing A acknowledged their own handover")

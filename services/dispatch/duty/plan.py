"""The admin command that plans the roster (排班) for the coming days, by rotation:

    python -m services.dispatch.duty.plan --staff zhang,li,zhao --leaders wang,chen [--days 14] [--keep]

Shift i gets A = staff[i], B = staff[i+1] and leader = leaders[i] (each list taken round),
so everyone is A one shift and B the next (AB角). `--keep` leaves shifts already planned as
they are (so `make run` can call it on every start). Reads MONGO_URI/MONGO_DB_PREFIX like
the service; each planned shift is in the audit log. Swaps later go through the console.
"""
from __future__ import annotations

import argparse
import asyncio
from datetime import datetime

from libs.common.clock import SystemClock
from libs.common.db import database, make_client
from libs.common.http.access import Principal
from services.dispatch.accounts.store import AccountStore
from services.dispatch.duty.policy import DutyPolicy, load_duty_policy
from services.dispatch.duty.roster import Shift, Slot, slot_after, slot_at
from services.dispatch.duty.store import DutyStore
from services.dispatch.settings import DispatchSettings


def rotation(first: Slot, count: int, staff: list[str], leaders: list[str], policy: DutyPolicy) -> list[Shift]:
    """Pure: `count` shifts from `first`, A and B taken round the staff, the leader round the leaders."""
    if len(staff) < 2 or not leaders:
        raise ValueError("a rotation needs at least two staff (A and B) and one leader")
    shifts, slot = [], first
    for i in range(count):
        shifts.append(Shift(shift_id=slot.shift_id, starts_at=slot.starts_at, ends_at=slot.ends_at, a=staff[i % len(staff)],
                            b=staff[(i + 1) % len(staff)], leader=leaders[i % len(leaders)]))
        slot = slot_after(slot, policy)
    return shifts


async def plan(settings: DispatchSettings, *, staff: list[str], leaders: list[str], days: int, keep: bool,
               now: datetime | None = None) -> list[str]:
    """The shift ids planned now."""
    policy = load_duty_policy(settings.duty_file)
    now = now or SystemClock().now()
    client = make_client(settings)
    try:
        db = database(client, settings)
        store, accounts = DutyStore(db), AccountStore(db)
        await store.create_indexes()
        count = days * len(policy.shift_starts)
        planned = []
        for shift in rotation(slot_at(now, policy), count, staff, leaders, policy):
            if keep and await store.shift(shift.shift_id) is not None:
                continue
            await store.plan_shift(shift)
            await accounts.append(at=now, actor=Principal("cli", "admin"), action="duty.plan", case_id=shift.shift_id,
                                  detail=f"{shift.shift_id}: A {shift.a} / B {shift.b} / 带班 {shift.leader}")
            planned.append(shift.shift_id)
        return planned
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.dispatch.duty.plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", required=True, help="comma-separated account names taking A and B in turn")
    parser.add_argument("--leaders", required=True, help="comma-separated account names of the leaders on duty")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="leave shifts already planned as they are")
    args = parser.parse_args(argv)
    planned = asyncio.run(plan(DispatchSettings(), staff=[s for s in args.staff.split(",") if s],
                               leaders=[s for s in args.leaders.split(",") if s], days=args.days, keep=args.keep))
    print(f"planned {len(planned)} shift(s)" + (f": {planned[0]} … {planned[-1]}" if planned else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

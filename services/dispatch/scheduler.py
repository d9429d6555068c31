"""The chase loop: 催办 before the deadline, 督办 and escalation after it, the 09:00 digest,
and the open/overdue gauges (the re-check of removed content has its own loop, takedown/recheck_worker.py).

`tick(now)` does one pass; the loop calls it with the injected clock. Tests call `tick`
with a moved clock instead of sleeping. Every action is applied at most once (guarded by
its deterministic id), so two instances or a restart never chase twice.

A pass reads only the cases whose entry in the chase queue is due (store.py keeps the queue),
not every open case: with every case open in the benchmark, planning over all of them each
30 s made dispatch and the database slower the more had been stored. The gauges and the
digest still need every open case: the gauges are counted on their own slower timer, the
digest once a day, when it is due and not yet recorded.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from libs.common.events import CaseEvent, derive_event_id
from libs.common.logs import get_logger
from libs.common.waker import Waker, run_worker
from libs.common.topics import CASES_EVENTS, dispatch_topic
from services.dispatch import announce, metrics
from services.dispatch.casefile import OPEN_STATUSES, open_case
from services.dispatch.chase import ChaseAction, after, chases_for, morning_digest, next_due
from services.dispatch.deadlines import digest_time_on, local_day
from services.dispatch.context import DispatchContext

log = get_logger(__name__)


@dataclass
class ChaseScheduler:
    ctx: DispatchContext
    interval_s: float = 30.0
    # The gauges need every open case, a scan: at each tick while there are few, then only
    # every `gauges_every` of the clock's time (each pass reading 50,000 open cases is what
    # made dispatch slower the more it had stored).
    gauges_every: timedelta = timedelta(minutes=5)
    gauges_each_tick_below: int = 1000  # open cases
    batch: int = 500  # queue entries per pass; more wait for the next pass
    _counted_at: datetime | None = field(default=None, init=False)
    _counted: int = field(default=0, init=False)

    async def run(self) -> None:
        requeued = await self.ctx.store.requeue_open_cases()
        if requeued:
            log.info("chase_requeued", cases=requeued)

        async def one_tick() -> bool:
            await self.tick(self.ctx.clock.now())
            return False  # one pass per interval

        # The database away for a moment: logged, tried again at the next tick.
        await run_worker(one_tick, Waker(), interval_s=self.interval_s, failed_event="chase_tick_failed")

    async def tick(self, now: datetime) -> int:
        d = self.ctx
        due = await d.store.chase_queue.due(now, self.batch)
        cases = await d.store.get_many(list(due)) if due else {}
        applied = 0
        for case_id, was in due.items():
            doc = cases.get(case_id)
            if doc is None or doc.get("status") not in OPEN_STATUSES or not doc.get("deadline_at"):
                await d.store.chase_queue.settle(case_id, was, None)  # closed or moved on: nothing to chase
                continue
            case = open_case(doc)
            actions = chases_for(case, now, d.deadlines, d.directory)
            for action in actions:
                applied += await self._apply(doc, action, now)
            # Done here or by another instance (the guard): either way the case waits for its next step.
            await d.store.chase_queue.settle(case_id, was, next_due(after(case, actions), now, d.deadlines,
                                                                    directory=d.directory))
        applied += await self._digest(now)
        if self._counted < self.gauges_each_tick_below or self._counted_at is None \
                or not timedelta(0) <= now - self._counted_at < self.gauges_every:
            docs = [doc for doc in await d.store.open_cases() if doc.get("deadline_at")]
            self._measure(docs, now)
            self._counted_at, self._counted = now, len(docs)
        return applied

    async def _apply(self, case: dict[str, Any], action: ChaseAction, now: datetime) -> int:
        flag = {"reminder": "reminded", "overdue": "overdue_notified", "escalated": "escalated_to"}[action.kind]
        value = action.to_department.model_dump() if action.kind == "escalated" else True
        event = announce.case_event(action.action_id, case, action.kind, action.detail, now,
                                    deadline_at=action.deadline_at.isoformat(),
                                    to_department=action.to_department.code if action.to_department else None)
        events = [(event.model_copy(update={"event_id": action.action_id}), CASES_EVENTS)]
        if action.kind == "escalated" and action.to_department:
            copy = announce.dispatched_to(case, action.to_department, role="supervisor",
                                          event_id=derive_event_id(action.action_id, "supervise"), now=now)
            events.append((copy, dispatch_topic(action.to_department.code)))
        guard = {"chase_done": {"$ne": action.action_id}, "dispatch_no": case["dispatch_no"]}
        stamp = {"escalated_at": now} if action.kind == "escalated" else {}  # the handover log counts them by time
        change = {"$set": {flag: value, **stamp}, "$push": {"chase_done": action.action_id}}
        if await self.ctx.store.apply(case["_id"], guard, change, events):
            metrics.CASE_EVENTS.labels(kind=action.kind, severity=action.severity).inc()
            if action.kind == "escalated" and action.to_department:
                metrics.ESCALATIONS.labels(department=action.department.code, to_department=action.to_department.code).inc()
            log.info("case_chased", case_id=case["_id"], kind=action.kind, department=action.department.code)
            return 1
        return 0

    async def _digest(self, now: datetime) -> int:
        policy = self.ctx.deadlines
        day = local_day(now, policy)
        if now < digest_time_on(day, policy) or await self.ctx.store.digest_recorded(day.isoformat()):
            return 0
        open_cases = [open_case(doc) for doc in await self.ctx.store.open_cases() if doc.get("deadline_at")]
        events = []
        for digest in morning_digest(open_cases, day, policy):
            key = f"digest:{day.isoformat()}:{digest.department.code}"
            events.append((CaseEvent(event_id=derive_event_id(key, "digest"), case_id=key, kind="digest",
                                     department_code=digest.department.code, detail="交接班: 今日到期与已超期案件",
                                     data=digest.model_dump(mode="json")), CASES_EVENTS))
        return int(await self.ctx.store.record_digest(day.isoformat(), now, events))

    def _measure(self, docs: list[dict[str, Any]], now: datetime) -> None:
        metrics.CASES_OPEN.clear()
        metrics.CASES_OVERDUE.clear()
        open_count = Counter((doc["department_code"], doc["severity"]) for doc in docs)
        overdue = Counter((doc["department_code"], doc["severity"]) for doc in docs if doc["deadline_at"] <= now)
        for (department, severity), n in open_count.items():
            metrics.CASES_OPEN.labels(department=department, severity=severity).set(n)
        for (department, severity), n in overdue.items():
            metrics.CASES_OVERDUE.labels(department=department, severity=severity).set(n)

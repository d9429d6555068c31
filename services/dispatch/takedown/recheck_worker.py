"""The re-check (复查): content said to be removed is looked at again after a delay; still
online, the case is REOPENED and handed out again; gone, the removal is confirmed.

A loop of its own (`run`), apart from the chase scheduler: fetching a reported URL can be
slow, and a server that drips a byte every few seconds must not hold reminders, escalation
or the 09:00 digest. Every URL is checked under `deadline_s`, and whatever happens (a
timeout, an address refused, a URL no HTTP client can parse) is recorded as the URL's
result: a re-check always ends in an outcome. Each re-check has an id and a state in the
case; only a `pending` one with that id is changed, so two instances (or a restart) may
both look at a URL but only one applies the outcome.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from libs.common.events import derive_event_id
from libs.common.logs import get_logger
from libs.common.waker import Waker, run_worker
from libs.common.topics import CASES_EVENTS
from services.dispatch import announce, casefile, metrics, rounds
from services.dispatch.announce import Outgoing
from services.dispatch.context import DispatchContext
from services.dispatch.takedown.platforms import Takedown, plan_takedowns
from services.dispatch.routing import Route
from services.dispatch.takedown.urlcheck import CheckResult, UrlChecker, judge_recheck

log = get_logger(__name__)
Update = tuple[str, dict[str, Any], Outgoing]  # outcome, MongoDB update, events


@dataclass
class Rechecker:
    ctx: DispatchContext
    checker: UrlChecker
    retry_after: timedelta = timedelta(hours=1)
    max_attempts: int = 3
    deadline_s: float = 30.0  # per URL, whatever the server does
    interval_s: float = 30.0

    async def run(self) -> None:
        requeued = await self.ctx.store.requeue_rechecks()
        if requeued:
            log.info("recheck_requeued", cases=requeued)

        async def one_pass() -> bool:
            await self.tick(self.ctx.clock.now())
            return False

        await run_worker(one_pass, Waker(), interval_s=self.interval_s, failed_event="recheck_pass_failed")

    async def tick(self, now: datetime) -> int:
        """The re-checks due now, found in their queue (store.py keeps it) rather than by a
        query over every case."""
        queue = self.ctx.store.recheck_queue
        due = await queue.due(now, limit=100)
        cases = await self.ctx.store.get_many(list(due)) if due else {}
        applied = 0
        for case_id, was in due.items():
            check = (cases.get(case_id) or {}).get("recheck") or {}
            if check.get("state") != "pending":
                await queue.settle(case_id, was, None)  # done, or the case is gone
            elif check["at"] > now:
                await queue.settle(case_id, was, check["at"])
            else:
                applied += await self._recheck(cases[case_id], now)
                # A retry scheduled a later attempt first (its `at` wins); otherwise it is done.
                await queue.settle(case_id, was, None)
        return applied

    async def check(self, url: str) -> CheckResult:
        """One URL's result, within the deadline; never an exception."""
        try:
            async with asyncio.timeout(self.deadline_s):
                return await self.checker.check(url, self._markers(url))
        except TimeoutError:
            log.info("recheck_timed_out", url=url[:200], deadline_s=self.deadline_s)
            return "unknown"
        except Exception as exc:  # a checker's bug or a URL nothing can parse: an outcome, not a stall
            log.warning("recheck_failed", url=url[:200], error=repr(exc)[:300])
            return "refused"

    async def _recheck(self, case: dict[str, Any], now: datetime) -> int:
        check = case["recheck"]
        results: list[CheckResult] = [await self.check(url) for url in check["urls"]]
        verdict = judge_recheck(results)
        parent = derive_event_id(check["id"], f"attempt:{check['attempts']}")
        if verdict == "removed":
            event = announce.case_event(parent, case, "removal_confirmed", "复查: 内容已删除", now, urls=check["urls"])
            outcome, update, events = "removed", {"$set": {"recheck.state": "confirmed", "recheck.done_at": now}}, [(event, CASES_EVENTS)]
        elif verdict == "retry":
            outcome, update, events = self._later(check, results, now)
        elif case["status"] == casefile.CLOSED:
            outcome, update, events = self._reopen(case, parent, now)
        else:
            outcome, update, events = self._ask_again(case, parent, now)
        guard = {"recheck.id": check["id"], "recheck.state": "pending", "dispatch_no": case["dispatch_no"]}
        if not await self.ctx.store.apply(case["_id"], guard, update, events):
            return 0  # another scheduler got there first
        metrics.RECHECKS.labels(outcome=outcome).inc()
        metrics.count_case_events(events)
        if outcome == "still_online" and case["status"] == casefile.CLOSED:
            metrics.REOPENED.labels(reason="still_online").inc()
        log.info("recheck_done", case_id=case["_id"], outcome=outcome, results=results)
        return 1

    def _markers(self, url: str) -> list[str]:
        hosts = self.ctx.platforms.hosting([url])
        return hosts[0][0].removed_markers if hosts else []

    def _later(self, check: dict[str, Any], results: list[CheckResult], now: datetime) -> Update:
        """Could not tell (unreachable, refused, 5xx): look again later, a few times."""
        attempts = check["attempts"] + 1
        given_up = attempts >= self.max_attempts
        return ("inconclusive" if given_up else "retry",
                {"$set": {"recheck.attempts": attempts, "recheck.at": now + self.retry_after, "recheck.results": results,
                          "recheck.state": "inconclusive" if given_up else "pending"}}, [])

    def _reopen(self, case: dict[str, Any], parent: str, now: datetime) -> Update:
        """Still online after "removed": the case opens again for the same handler, the
        platforms are asked again, and the reporters are told."""
        d = self.ctx
        plan = plan_takedowns(Route.model_validate(case["route"]), category=case["category"],
                              urls=case.get("target_urls", []), registry=d.platforms)
        change, events = rounds.new_round(case, plan, severity=case["severity"], parent=parent, now=now,
                                          deadlines=d.deadlines, kind="reopened", detail="复查: 内容仍可访问，重新转办",
                                          urls=case["recheck"]["urls"])
        change["recheck"] = case["recheck"] | {"state": "still_online", "done_at": now}
        handler = change["department_name"] or change["department_code"]
        events += announce.reopened_replies(parent, case | change, handler, now)
        return "still_online", {"$set": change, "$inc": {"reopened": 1}}, events

    def _ask_again(self, case: dict[str, Any], parent: str, now: datetime) -> Update:
        """A platform said removed while a department still handles the case: the handler is
        told (case event) and the platform is asked again."""
        d, check = self.ctx, case["recheck"]
        events: Outgoing = [(announce.case_event(parent, case, "still_online", "复查: 平台称已删除，内容仍可访问", now,
                                                 urls=check["urls"], reported_by=check["reported_by"]), CASES_EVENTS)]
        platform = d.platforms.by_code(check["reported_by"])
        if platform is not None:
            events += announce.takedowns(parent, case, [Takedown(platform=platform, role="co", urls=check["urls"])], now)
        change = {"recheck.state": "still_online", "recheck.done_at": now,
                  "removed_by": [c for c in case.get("removed_by", []) if c != check["reported_by"]]}
        return "still_online", {"$set": change}, events

"""Dispatch's consumers: triaged reports become dispatched cases (转办); department answers
move them on (accepted, handled → closed and replied, rejected → re-routed)."""
from __future__ import annotations

from dataclasses import dataclass

from libs.common.clock import Clock
from libs.common.events import CaseFeedback, DepartmentRef, ReportTriaged, derive_event_id
from libs.common.logs import bind_case, get_logger
from libs.common.outbox import OutboxRelay
from libs.common.topics import CASES_EVENTS, dispatch_topic
from services.dispatch import announce, metrics
from services.dispatch.casefile import OPEN_STATUSES, new_case, report_entry
from services.dispatch.deadlines import DeadlinePolicy, deadline_at, reminder_at
from services.dispatch.decide import decide_dispatch
from services.dispatch.directory import Directory
from services.dispatch.routing import Route, RoutingPolicy, reroute
from services.dispatch.store import DispatchStore

log = get_logger(__name__)


@dataclass
class Dispatcher:
    store: DispatchStore
    relay: OutboxRelay
    directory: Directory
    routing: RoutingPolicy
    deadlines: DeadlinePolicy
    clock: Clock

    async def on_triaged(self, triaged: ReportTriaged) -> None:
        bind_case(case_id=triaged.case.case_id, report_id=triaged.report.report_id)
        if not triaged.decision.valid:
            return  # triage has told the reporter why; nothing to hand out
        now = self.clock.now()
        case = await self.store.get(triaged.case.case_id)
        if case is None:
            decision = decide_dispatch(triaged.report, triaged.decision, now=now, directory=self.directory,
                                       routing=self.routing, deadlines=self.deadlines)
            doc = new_case(triaged, decision, now)
            if await self.store.insert(doc, announce.new_case_events(doc, decision, triaged, now)):
                self._count_new(doc, decision.route, triaged)
                self.relay.poke()
                return
            case = await self.store.get(triaged.case.case_id)  # another instance made it first
        reply = announce.joined_reply(triaged.event_id, triaged.report.report_id, case, now)
        if await self.store.add_report(case["_id"], report_entry(triaged), [(reply, "reports.replies")]):
            log.info("report_joined_case", reports=len(case["reports"]) + 1)
            self.relay.poke()

    def _count_new(self, doc: dict, route: Route, triaged: ReportTriaged) -> None:
        if route.transfer_to:
            metrics.CASES_TRANSFERRED.inc()
        else:
            metrics.CASES_DISPATCHED.labels(department=route.department.code, severity=doc["severity"], role="handler").inc()
        lag = (doc["dispatched_at"] - triaged.report.submitted_at).total_seconds()
        metrics.TIME_TO_DISPATCH.observe(max(lag, 0.0))
        log.info("case_dispatched", department=doc["department_code"], severity=doc["severity"], transfer_to=route.transfer_to)

    async def on_feedback(self, feedback: CaseFeedback) -> None:
        bind_case(case_id=feedback.case_id)
        case = await self.store.get(feedback.case_id)
        if case is None or case["status"] not in OPEN_STATUSES or feedback.department_code != case["department_code"]:
            # A late answer from a former handler, or about a closed case: noted, not applied.
            metrics.FEEDBACK.labels(action=feedback.action, outcome="ignored").inc()
            log.info("feedback_ignored", department=feedback.department_code, status=case and case["status"])
            return
        apply = {"accepted": self._accepted, "handled": self._handled, "removed": self._handled, "rejected": self._rejected}
        if await apply[feedback.action](case, feedback):
            metrics.FEEDBACK.labels(action=feedback.action, outcome="applied").inc()
            self.relay.poke()

    def _guard(self, case: dict) -> dict:
        return {"status": {"$in": list(OPEN_STATUSES)}, "dispatch_no": case["dispatch_no"]}

    async def _accepted(self, case: dict, fb: CaseFeedback) -> bool:
        event = announce.case_event(fb.event_id, case, "accepted", f"{fb.department_code} 已受理", self.clock.now())
        return await self.store.apply(case["_id"], self._guard(case), {"$set": {"status": "accepted"}}, [(event, CASES_EVENTS)])

    async def _handled(self, case: dict, fb: CaseFeedback) -> bool:
        now = self.clock.now()
        result = fb.result or ("已删除相关违法和不良信息" if fb.action == "removed" else "已依法处置")
        handler = fb.handler_name or case.get("department_name") or fb.department_code
        events = [
            (announce.case_event(fb.event_id, case, "handled", result, now), CASES_EVENTS),
            (announce.case_event(fb.event_id, case, "closed", result, now, closed_by=fb.department_code), CASES_EVENTS),
            *announce.closing_replies(fb.event_id, case, result, handler, now),
        ]
        change = {"$set": {"status": "closed", "result": result, "closed_at": now, "closed_by": fb.department_code}}
        done = await self.store.apply(case["_id"], self._guard(case), change, events)
        if done:
            metrics.TIME_TO_CLOSE.labels(severity=case["severity"]).observe((now - case["opened_at"]).total_seconds())
        return done

    async def _rejected(self, case: dict, fb: CaseFeedback) -> bool:
        now = self.clock.now()
        route = reroute(Route.model_validate(case["route"]), {fb.department_code}, directory=self.directory, policy=self.routing)
        department: DepartmentRef = route.department
        deadline = deadline_at(case["severity"], now, self.deadlines)
        updated = case | {"dispatch_no": case["dispatch_no"] + 1, "deadline_at": deadline,
                          "department_code": department.code, "department_name": department.name}
        events = [
            (announce.dispatched_to(updated, department, role="handler", event_id=derive_event_id(fb.event_id, "rerouted"), now=now),
             dispatch_topic(department.code)),
            (announce.case_event(fb.event_id, updated, "rerouted", route.reason, now, rejected_by=fb.department_code, reason=fb.result or ""), CASES_EVENTS),
        ]
        change = {"$set": {
            "route": route.model_dump(mode="json"), "status": "dispatched", "dispatch_no": updated["dispatch_no"],
            "department_code": department.code, "department_name": department.name, "dispatched_at": now,
            "deadline_at": deadline, "reminder_at": reminder_at(case["severity"], now, self.deadlines),
            "reminded": False, "overdue_notified": False, "escalated_to": None,
        }}
        return await self.store.apply(case["_id"], self._guard(case), change, events)

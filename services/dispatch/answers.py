"""Whose answer counts (反馈): a department's or platform's feedback judged against the case.

Pure: `judge_answer(case, feedback)` says whether the answer is applied and in which role, or
why not (a repeat, an answer to an earlier round, a former handler, a closed case), so the
feedback handler only carries out the verdict.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from libs.common.events import CaseFeedback
from services.dispatch.casefile import OPEN_STATUSES
Role = Literal["handler", "supervisor", "platform"]
Outcome = Literal["applied", "duplicate", "stale", "closed", "not_involved", "not_allowed"]

# What each role may do. A supervisor (督办, the level above after the deadline) may take a
# case over and settle it, but cannot refuse it for the handler; a platform asked to remove
# content alongside a department (co) can only report the removal.
ALLOWED: dict[str, tuple[str, ...]] = {
    "handler": ("accepted", "handled", "rejected", "removed"),
    "supervisor": ("handled", "removed"),
    "platform": ("removed",),
}


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)
    outcome: Outcome
    role: Role | None = None
    reason: str = ""

    @property
    def applies(self) -> bool:
        return self.outcome == "applied"


def role_of(case: dict[str, Any], department_code: str) -> Role | None:
    if department_code == case.get("department_code"):
        return "handler"
    if department_code == (case.get("escalated_to") or {}).get("code"):
        return "supervisor"
    if department_code in case.get("takedown_platforms", []):
        return "platform"
    return None


def judge_answer(case: dict[str, Any], fb: CaseFeedback) -> Verdict:
    if fb.event_id in case.get("feedback_events", []):
        return Verdict(outcome="duplicate", reason="this answer was applied before")
    if case["status"] not in OPEN_STATUSES:
        return Verdict(outcome="closed", reason=f"case is {case['status']}")
    if fb.dispatch_no is not None and fb.dispatch_no != case["dispatch_no"]:
        return Verdict(outcome="stale", reason=f"answers dispatch {fb.dispatch_no}, case is at {case['dispatch_no']}")
    role = role_of(case, fb.department_code)
    if role is None:
        return Verdict(outcome="not_involved", reason=f"{fb.department_code} does not handle this case (now)")
    if fb.action not in ALLOWED[role]:
        return Verdict(outcome="not_allowed", role=role, reason=f"a {role} cannot answer {fb.action}")
    if fb.action == "accepted" and case["status"] == "accepted":
        return Verdict(outcome="duplicate", role=role, reason="already accepted")
    if role == "platform" and fb.department_code in case.get("removed_by", []):
        return Verdict(outcome="duplicate", role=role, reason="removal already reported")
    return Verdict(outcome="applied", role=role)


def default_result(action: str, who: str) -> str:
    """A result text when the department sent none (the reply must still say what was done)."""
    if action == "removed":
        return f"{who}已删除（下架）被举报的违法和不良信息"
    return f"{who}已依法依规处置"

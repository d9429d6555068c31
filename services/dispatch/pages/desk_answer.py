"""A department's answer given on the desk (承办单位工作台): the same CaseFeedback a
department's system sends on cases.feedback, signed with the department's key, and applied
by the same `answer_signed` as the cases.feedback handler, so the desk can do exactly what the topic can and no more.

The answer id derives from (case, round, action), like the reference client's: a second
press of the same button in the same round is a repeat and changes nothing.
"""
from __future__ import annotations

from typing import Any, Literal

from libs.common.events import CaseFeedback, derive_event_id
from services.dispatch.answers import judge_answer
from services.dispatch.context import DispatchContext
from services.dispatch.feedback_handlers import answer_signed
from services.dispatch.feedback_signature import department_key, sign_feedback
from services.dispatch.store import CaseChanged

DeskAction = Literal["accepted", "handled", "rejected"]
NOT_APPLIED_ZH = {"duplicate": "该操作已提交过，无需重复提交", "closed": "案件已办结，不能再操作",
                  "stale": "案件已改派或重新办理，页面已过期，请刷新", "not_involved": "该案件现不由本单位办理",
                  "not_allowed": "当前身份不能执行此操作"}


def feedback_from_desk(d: DispatchContext, case: dict[str, Any], *, department: str, action: DeskAction,
                       result: str | None, handler_name: str | None, dispatch_no: int) -> CaseFeedback:
    event_id = derive_event_id(f"desk:{case['_id']}:{dispatch_no}", action)
    fb = CaseFeedback(event_id=event_id, occurred_at=d.clock.now(), case_id=case["_id"], department_code=department,
                      action=action, result=result or None, handler_name=handler_name or None, dispatch_no=dispatch_no)
    return sign_feedback(fb, department_key(d.feedback_key, department))


async def answer_from_desk(d: DispatchContext, case: dict[str, Any], fb: CaseFeedback) -> str | None:
    """Applies the answer; None when applied, else why not (Chinese, for the page)."""
    verdict = judge_answer(case, fb)
    if not verdict.applies:
        return NOT_APPLIED_ZH.get(verdict.outcome, verdict.reason)
    for _ in range(3):  # the case moved between read and write (a reminder, the chase): judged again
        try:
            await answer_signed(d, fb)
            return None
        except CaseChanged:
            continue
    return "案件正被其他操作更新，请稍后重试"

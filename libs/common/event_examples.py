"""One or more example messages per event, built from the event models themselves, so an
example cannot show a field or a value the services would not write. They appear in the
AsyncAPI document (message `examples`) and are validated against the published schemas
by tests/unit/common/test_ops_contracts.py. Fixed ids and times keep the document stable.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from libs.common import events as e

AT = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # Monday 10:00 in Nanning
CASE = "case-3f2a9c1e7b5d4a60"
REPORT = "6d1f0c2b9a8e4f37b2c5d4e3a1f09b87"
PIDS = ["rp-1c9e4b7a02d35f8e6a41", "rp-8b03f5d2c7e1a9046b2d"]


def _id(name: str) -> str:
    return e.derive_event_id("asyncapi-example", name)


def _content() -> e.ReportContent:
    return e.ReportContent(
        report_id=REPORT, tracking_no="NN-20250310-000042", channel="web",
        text="有人在微信群里发博彩网站链接，说充值一百送一百，拉人下注", category_hint="gambling",
        target_urls=["https://bet.example/invite?code=88"], target_platform="微信", location="南宁市青秀区新竹街道",
        reporter_pid=PIDS[0], submitted_at=AT)


def _decision() -> e.TriageDecision:
    return e.TriageDecision(category="gambling", severity="important", confidence=0.93, scores={"gambling": 0.93},
                            reasons=[e.Reason(rule="lexicon", detail="赌博术语", terms=["博彩", "下注"]),
                                     e.Reason(rule="severity.base", detail="gambling: important")])


def _dispatched() -> e.CaseDispatched:
    return e.CaseDispatched(
        event_id=_id("dispatched"), occurred_at=AT, case_id=CASE, dispatch_no=1, role="handler",
        department=e.DepartmentRef(code="nn-city-police", kind="police", name="南宁市公安局"),
        division=e.Division(code="450103", name="青秀区", level="county", path=["南宁市", "青秀区"]),
        category="gambling", severity="important", deadline_at=AT + timedelta(hours=24),
        summary="微信群内传播博彩网站链接并拉人充值下注", report_ids=[REPORT], target_urls=["https://bet.example/invite?code=88"],
        reporter_pids=PIDS, reasons=_decision().reasons)


EXAMPLES: dict[str, list[tuple[str, str, BaseModel]]] = {
    "ReportSubmitted": [("web_report", "A report from the web form", e.ReportSubmitted(
        event_id=_id("submitted"), occurred_at=AT, report=_content()))],
    "ReportTriaged": [("gambling_case", "Judged important and opened a new case", e.ReportTriaged(
        event_id=_id("triaged"), occurred_at=AT, report=_content(), decision=_decision(), case=e.CaseRef(case_id=CASE)))],
    "ReporterReply": [("dispatched", "The reporter is told where the case went", e.ReporterReply(
        event_id=_id("reply"), occurred_at=AT, report_id=REPORT, kind="dispatched", case_id=CASE, status="dispatched",
        text="您的举报已转交南宁市公安局办理，办理时限24小时。"))],
    "CaseFeedback": [
        ("accepted", "A department accepts the case (已受理)", e.CaseFeedback(
            event_id=_id("accepted"), occurred_at=AT + timedelta(minutes=20), case_id=CASE,
            department_code="nn-city-police", action="accepted", dispatch_no=1)),
        ("handled", "A department closes the case with its result (办结)", e.CaseFeedback(
            event_id=_id("handled"), occurred_at=AT + timedelta(hours=6), case_id=CASE, department_code="nn-city-police",
            action="handled", result="经查，该网站为境外赌博网站，已封堵并立案侦查", handler_name="网安支队", dispatch_no=1)),
    ],
    "CaseEvent": [
        ("escalated", "督办: the deadline passed, the level above takes over", e.CaseEvent(
            event_id=_id("escalated"), occurred_at=AT + timedelta(hours=25), case_id=CASE, kind="escalated",
            department_code="nn-city-police", severity="important", detail="超期未办结，提请上级督办",
            data={"deadline_at": (AT + timedelta(hours=24)).isoformat(), "to_department": "nn-city-cac"})),
        ("overdue", "The deadline passed", e.CaseEvent(
            event_id=_id("overdue"), occurred_at=AT + timedelta(hours=24), case_id=CASE, kind="overdue",
            department_code="nn-city-police", severity="important", detail="已超过办理时限",
            data={"deadline_at": (AT + timedelta(hours=24)).isoformat(), "to_department": None})),
    ],
    "CaseTransferred": [("other_city", "移交 to another city's center", e.CaseTransferred(
        event_id=_id("transferred"), occurred_at=AT, case_id=CASE, to_city="柳州市", division_code="450200",
        category="fraud", severity="important", summary="冒充快递客服诱导转账", report_ids=[REPORT]))],
    "TakedownRequested": [("platform_handler", "The hosting platform is asked to remove the content", e.TakedownRequested(
        event_id=_id("takedown"), occurred_at=AT, case_id=CASE, platform_id="nn-forum", role="handler",
        category="vulgar", severity="general", deadline_at=AT + timedelta(hours=72), summary="论坛帖子含低俗内容",
        target_urls=["https://forum.example/t/123"]))],
    "RumorEvent": [("published", "A rebuttal is published (辟谣发布)", e.RumorEvent(
        event_id=_id("published"), occurred_at=AT, claim_id="clm-9fa01142482c521dba6f", kind="published",
        rebuttal_id="rb-2f6c", detail="邕江大桥裂缝封桥系谣言", data={"version": 1, "channels": 61}))],
    "CaseDispatched": [("handler", "A case handed to the police as handler (转办)", _dispatched())],
    "MediaDelivery": [("publish", "A rebuttal for the Weibo channel", e.MediaDelivery(
        event_id=_id("media"), occurred_at=AT, channel="weibo", claim_id="clm-9fa01142482c521dba6f", rebuttal_id="rb-2f6c",
        version=1, title="“邕江大桥出现裂缝将封桥”系谣言", body="经市住建局核实，邕江大桥结构安全，近期无封桥计划。",
        authority="南宁市住房和城乡建设局", evidence_links=["https://www.nanning.gov.cn/notice/1"],
        url="http://127.0.0.1:8004/rebuttals/rb-2f6c", verdict="false", claim_reviewed="邕江大桥出现裂缝将封桥",
        published_at=AT))],
    "DutyPage": [("escalated", "Nobody acknowledged in 10 minutes: the B on duty is paged", e.DutyPage(
        event_id=_id("duty-escalated"), occurred_at=AT + timedelta(minutes=10), page_id="6f1c2a9e4b105b7f3c1e9a514a5e9d0b",
        kind="urgent_case", step="escalated", level="b", person="li.duty", shift_id="2025-03-10T09:00", subject=CASE,
        severity="major", title="重大案件：在人民广场持刀伤人的预告"))],
    "DeadLetter": [("not_json", "A message a consumer could not parse", e.DeadLetter(
        topic="cases.feedback", partition=0, offset=42, consumer="dispatch-feedback", error="Invalid JSON: expected value",
        error_type="ValidationError", key=CASE, value_b64="bm90IGpzb24=", failed_at=AT))],
}


def payloads(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, summary, JSON payload) of each example of one message."""
    return [(n, s, m.model_dump(mode="json")) for n, s, m in EXAMPLES.get(name, [])]

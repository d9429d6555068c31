"""The closing reply (回复) states its reasons: facts, measure, who, basis, redress."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from services.dispatch import announce, replies

CLOSED_AT = datetime(2025, 3, 12, 15, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_closing_reply_says_what_was_found_done_by_whom_on_which_rule_and_how_to_contest(make_case):
    case = make_case(category="gambling", severity="important")
    case["reasons"] = [{"rule": "severity.volume", "detail": "25 reports in 1h"}, {"rule": "model.category", "detail": "gambling=0.97"}]
    text = replies.closed(case, case["reports"][0], result="经查，该网站为境外赌博网站，已封堵并立案", handler="南宁市公安局",
                          removed=False, closed_at=CLOSED_AT)
    assert "已封堵并立案" in text and "南宁市公安局" in text
    assert "赌博类" in text and "重要" in text and "短时间内多人举报" in text
    assert "治安管理处罚法" in text and "复核" in text and "T-r-1" in text
    assert "gambling=0.97" not in text  # model internals are not for the reporter


def test_every_reporter_of_the_case_gets_the_closing_reply(make_case):
    case = make_case()
    case["reports"].append(case["reports"][0] | {"report_id": "r-2", "tracking_no": "T-r-2", "reporter_pid": "rp-2"})
    out = announce.closing_replies("fb-1", case, result="已删除", handler="新竹街道办", removed=True, now=CLOSED_AT)
    assert [e.report_id for e, _ in out] == ["r-1", "r-2"]
    assert all(e.kind == "closed" and e.status == "closed" for e, _ in out)
    assert len({e.event_id for e, _ in out}) == 2
    assert "rp-1" not in out[1][0].text


def test_a_report_joining_a_closed_case_gets_its_outcome(make_case):
    case = make_case() | {"status": "closed", "result": "已删除", "handler_name": "新竹街道办", "closed_at": CLOSED_AT}
    reply = announce.joined_reply("t-1", "r-1", case, CLOSED_AT)
    assert reply.kind == "closed" and "已删除" in reply.text


def test_the_reply_promises_a_recheck_only_when_one_is_scheduled(make_case):
    case = make_case()
    report = case["reports"][0]
    promised = replies.closed(case, report, result="已删除", handler="平台", removed=True, closed_at=CLOSED_AT, rechecked=True)
    silent = replies.closed(case, report, result="已删除", handler="平台", removed=True, closed_at=CLOSED_AT)
    assert "复查" in promised and "复查" not in silent and "删除（下架）" in silent

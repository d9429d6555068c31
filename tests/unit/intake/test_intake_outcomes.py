"""What a platform gets back when its report's case closes, and when we try again."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from libs.common.events import ReporterReply
from services.intake.outcomes import encode, outcome_payload, retry_delay, verdict_for, wants_outcome

REPORT = {"content": {"report_id": "r1", "tracking_no": "NN-20261123-000001", "channel": "platform",
                      "platform_id": "nanning-forum"},
          "platform_ref": {"platform_id": "nanning-forum", "external_id": "forum-77"}}


def _reply(kind: str) -> ReporterReply:
    return ReporterReply(report_id="r1", kind=kind, text="已办结：已删除违规内容", case_id="c1", status=kind,
                         occurred_at=datetime(2026, 11, 23, 9, tzinfo=UTC))


def test_only_final_outcomes_of_platform_reports_go_back():
    assert all(wants_outcome(REPORT, _reply(k)) for k in ("closed", "invalid", "transferred"))
    assert not wants_outcome(REPORT, _reply("dispatched"))
    web = {"content": {**REPORT["content"], "channel": "web", "platform_id": None}}
    assert not wants_outcome(web, _reply("closed"))


def test_the_payload_carries_the_platform_reference_and_our_numbers():
    reply = _reply("closed")
    payload = outcome_payload(REPORT, reply)
    assert payload["external_id"] == "forum-77" and payload["tracking_no"] == "NN-20261123-000001"
    assert payload["outcome"] == "closed" and payload["event_id"] == reply.event_id
    assert json.loads(encode(payload)) == payload
    assert "已办结" in encode(payload).decode()  # UTF-8, not \\u escapes


def test_refusals_are_final_and_outages_are_retried_with_growing_pauses():
    assert verdict_for(200) == verdict_for(204) == "delivered"
    assert verdict_for(400) == verdict_for(404) == "rejected"
    assert verdict_for(429) == verdict_for(503) == verdict_for(408) == "retry"
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert retry_delay(20) == timedelta(hours=1)

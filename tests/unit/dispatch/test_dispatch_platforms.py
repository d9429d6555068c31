"""Platforms as handlers (平台处置): who removes a case's content, and the signed callback."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from libs.common.events import TakedownRequested
from services.dispatch.takedown.platforms import PlatformRegistry, load_platforms, plan_takedowns
from services.dispatch.routing import Route
from services.dispatch.takedown.callback import parse_answer, request_body, sign, signed_headers, verify

FORUM = "https://bbs.nanning-forum.example/t/123"
VIDEO = "https://v.yongjiang-video.example/v/9"


def test_registry_matches_a_platform_by_host_and_subdomain(platforms):
    assert [s.id for s, _ in platforms.hosting([FORUM, "https://nanning-forum.example/x"])] == ["nanning-forum"]
    assert platforms.hosting(["https://evil-nanning-forum.example/x"]) == []  # a suffix is not a subdomain


def test_general_vulgar_content_on_one_platform_is_handled_by_that_platform(make_case):
    case = make_case(category="vulgar", severity="general", urls=[FORUM])
    assert case["department_code"] == "platform.nanning-forum"
    route = Route.model_validate(case["route"])
    # If the platform refuses, the local street office is next in line.
    assert [c.code for c in route.candidates][:2] == ["platform.nanning-forum", "nn-qingxiu-001-office"]
    assert case["takedown_platforms"] == ["platform.nanning-forum"]


def test_important_case_stays_with_the_department_and_the_platform_is_asked_alongside(make_case):
    case = make_case(category="gambling", severity="important", urls=[FORUM, VIDEO])
    assert case["department_code"] == "nn-city-police"
    assert sorted(case["takedown_platforms"]) == ["platform.nanning-forum", "platform.yongjiang-video"]


def test_content_on_two_platforms_is_not_handed_to_either_as_handler(make_case):
    case = make_case(category="vulgar", severity="general", urls=[FORUM, VIDEO])
    assert case["department_code"] == "nn-qingxiu-001-office"
    assert len(case["takedown_platforms"]) == 2


def test_rumors_are_not_sent_for_takedown(make_case):
    case = make_case(category="rumor", severity="general", urls=[FORUM])
    assert not case["department_code"].startswith("platform.")
    assert case["takedown_platforms"] == []


def test_a_platform_that_refused_is_not_asked_again(make_case, platforms):
    case = make_case(category="vulgar", severity="general", urls=[FORUM])
    route = Route.model_validate(case["route"]).model_copy(update={"rejected_by": ["platform.nanning-forum"]})
    assert plan_takedowns(route, category="vulgar", urls=[FORUM], registry=platforms).takedowns == []


def test_planning_twice_does_not_stack_the_platform_in_the_chain(make_case, platforms):
    case = make_case(category="vulgar", severity="general", urls=[FORUM])
    route = Route.model_validate(case["route"])
    again = plan_takedowns(route, category="vulgar", urls=[FORUM], registry=platforms)
    assert again.route == route and [t.role for t in again.takedowns] == ["handler"]


def test_inactive_platforms_and_an_empty_registry_ask_nobody(make_case, platforms):
    empty = PlatformRegistry()
    case = make_case(category="vulgar", severity="general", urls=[FORUM, VIDEO])  # a department handles
    plan = plan_takedowns(Route.model_validate(case["route"]), category="vulgar", urls=[FORUM], registry=empty)
    assert plan.takedowns == [] and plan.route.department.code == "nn-qingxiu-001-office"
    inactive = platforms.model_copy(update={"platforms": [p.model_copy(update={"active": False}) for p in platforms.platforms]})
    assert inactive.hosting([FORUM]) == []


def test_shipped_platform_file_names_secrets_by_environment_variable_only():
    for spec in load_platforms().platforms:
        assert spec.secret_env.isupper() and spec.takedown_url.startswith("https://")


def _request() -> TakedownRequested:
    return TakedownRequested(case_id="case-1", platform_id="nanning-forum", category="vulgar", severity="general",
                             deadline_at=datetime(2025, 3, 13, 10, tzinfo=UTC), summary="低俗视频", target_urls=[FORUM])


def test_takedown_body_carries_the_request_id_and_no_personal_data():
    request = _request()
    body = json.loads(request_body(request, feedback_url="https://center.example/api/v1/platforms/nanning-forum/feedback"))
    assert body["request_id"] == request.event_id and body["target_urls"] == [FORUM]
    assert "reporter" not in json.dumps(body)


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac
    body = b'{"a":1}'
    assert sign("s" * 16, 1700000000, body) == hmac.new(b"s" * 16, b"1700000000." + body, hashlib.sha256).hexdigest()
    headers = signed_headers("s" * 16, 1700000000, body)
    assert verify("s" * 16, timestamp=headers["X-Timestamp"], signature=headers["X-Signature"], body=body,
                  now=1700000100, skew_s=300) is None


def test_verify_refuses_forged_stale_and_missing_signatures():
    body = b"{}"
    good = sign("k" * 16, 1000, body)
    assert verify("k" * 16, timestamp="1000", signature=good, body=b"{ }", now=1000, skew_s=300) == "mismatch"
    assert verify("k" * 16, timestamp="1000", signature=good, body=body, now=2000, skew_s=300) == "stale"
    assert verify("k" * 16, timestamp=None, signature=good, body=body, now=1000, skew_s=300) == "missing"


def test_platform_answers_are_read_leniently():
    assert parse_answer('{"status":"removed","result":"已删除"}'.encode()).status == "removed"
    assert parse_answer(b"").status == "accepted"
    assert parse_answer(b"<html>ok</html>").status == "accepted"
    assert parse_answer(b'{"status":"maybe"}').status == "accepted"

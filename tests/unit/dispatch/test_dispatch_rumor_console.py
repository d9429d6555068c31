"""The console's rumor pages (services.dispatch.pages.rumor_routes) over a stand-in for
rumor's operator API: they show what the API answers and send exactly its calls, with the
operator's name, and a refusal of the API is shown on the page."""
from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi.testclient import TestClient

from services.dispatch.app import create_app
from services.dispatch.pages.service_client import ServiceClient
from services.dispatch.settings import DispatchSettings
from tests.support.auth import tokens_entry

TOKEN = "console-test-operator-token-01"
CLAIM = {"claim_id": "clm-0123456789abcdef", "status": "verified", "status_zh": "已核实", "verdict": "false",
         "verdict_zh": "虚假", "report_count": 2, "sample_texts": ["网传全城停水三天"], "first_seen": "2026-12-01T01:00:00Z",
         "last_seen": "2026-12-01T02:00:00Z", "alerted_at": "2026-12-01T02:00:00Z", "rebuttal_id": None,
         "rebuttal_url": None, "rebuttal_version": None, "verification": {"verdict": "false"}, "publication": None,
         "draft": {"title": "“全城停水三天”系谣言", "body": "经核实，供水正常。", "authority": "南宁市水务局",
                   "claim_reviewed": "全城停水三天", "evidence_links": []},
         "deliveries": [{"channel": "weibo", "name": "微博", "status": "failed", "attempts": 5, "reason": "timeout"}]}


class Audit:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    async def append(self, **entry: Any) -> None:
        self.entries.append(entry)


def console(calls: list[tuple[str, str, Any]], refuse: bool = False) -> tuple[TestClient, Audit]:
    def api(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer rumor-token"
        body = json.loads(request.content) if request.content else None
        calls.append((request.method, request.url.path, body))
        if request.method == "GET" and request.url.path.endswith("/claims"):
            assert b"status=&" not in request.url.query + b"&"  # no filter: no empty value the API would refuse
            return httpx.Response(200, json={"total": 1, "items": [CLAIM]})
        if request.method == "GET":
            return httpx.Response(200, json=CLAIM)
        if refuse:
            return httpx.Response(409, json={"error": "conflict", "message": "线索尚未核实，不能发布", "detail": "x"})
        return httpx.Response(200, json=CLAIM)

    app = create_app(DispatchSettings(OPERATOR_TOKENS=tokens_entry(TOKEN, name="zhang"), NETREPORT_SECRET_KEY="k" * 24))
    app.state.rumor = ServiceClient("http://rumor.test", "rumor-token", transport=httpx.MockTransport(api))
    audit = Audit()
    app.state.site.accounts = audit
    return TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}), audit


def test_the_claims_and_a_claim_with_its_preview_and_deliveries_are_shown():
    calls: list[tuple[str, str, Any]] = []
    client, _ = console(calls)
    listing = client.get("/console/rumors")
    assert listing.status_code == 200 and "网传全城停水三天" in listing.text and "已预警" in listing.text
    page = client.get(f"/console/rumors/{CLAIM['claim_id']}")
    assert page.status_code == 200
    assert "“全城停水三天”系谣言" in page.text and 'id="preview"' in page.text and 'id="publish"' in page.text
    assert "微博" in page.text and "补发" in page.text  # a failed channel can be retried


def test_verify_save_publish_and_retry_are_the_apis_calls_and_are_audited():
    calls: list[tuple[str, str, Any]] = []
    client, audit = console(calls)
    base = f"/console/rumors/{CLAIM['claim_id']}"
    assert client.post(f"{base}/verification", data={"verdict": "false", "note": "问了水务局"},
                       follow_redirects=False).status_code == 303
    client.post(f"{base}/rebuttal", data={"title": "标题", "body": "第一段\n第二段", "authority": "南宁市水务局",
                                          "claim_reviewed": "全城停水", "evidence_links": "https://a.example/x\n"},
                follow_redirects=False)
    client.post(f"{base}/publish", follow_redirects=False)
    client.post(f"{base}/deliveries/weibo/republish", follow_redirects=False)
    sent = [(m, p, b) for m, p, b in calls if m != "GET"]
    api = f"/api/v1/claims/{CLAIM['claim_id']}"
    assert sent == [
        ("POST", f"{api}/verification", {"verdict": "false", "note": "问了水务局", "operator": "zhang"}),
        ("PUT", f"{api}/rebuttal", {"title": "标题", "body": "第一段\n第二段", "authority": "南宁市水务局",
                                    "claim_reviewed": "全城停水", "evidence_links": ["https://a.example/x"]}),
        ("POST", f"{api}/rebuttal/publish", None),
        ("POST", f"{api}/deliveries/weibo/republish", None),
    ]
    assert [e["action"] for e in audit.entries] == ["rumor.verify", "rumor.save_rebuttal", "rumor.publish",
                                                    "rumor.republish weibo"]
    assert all(e["actor"].name == "zhang" for e in audit.entries)


def test_a_refusal_of_rumors_api_is_shown_on_the_page():
    calls: list[tuple[str, str, Any]] = []
    client, audit = console(calls, refuse=True)
    page = client.post(f"/console/rumors/{CLAIM['claim_id']}/publish")
    assert page.status_code == 422 and "线索尚未核实，不能发布" in page.text
    assert audit.entries[-1]["outcome"] == "refused 409"

"""The shared door (libs.common.http.access, .client): who gets through, and which address
a rate limit counts."""
from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from starlette.datastructures import Headers

from libs.common.http.access import Authenticator, CurrentPrincipal, access, guard, parse_tokens, token_sha256
from libs.common.http.client import client_address, rate_key
from libs.common.http.errors import install_error_handlers


def app_with(spec: str) -> TestClient:
    app = FastAPI(dependencies=[Depends(guard(Authenticator(parse_tokens(spec))))])
    install_error_handlers(app)

    @app.get("/form", openapi_extra=access("public"))
    async def form() -> dict:
        return {"ok": True}

    @app.get("/cases")  # declares nothing: operators only
    async def cases(who: CurrentPrincipal) -> dict:
        return {"who": who.name}

    @app.get("/mine", openapi_extra=access("department"))
    async def mine(who: CurrentPrincipal) -> dict:
        return {"department": who.department}

    @app.post("/keys", openapi_extra=access("admin"))
    async def keys() -> dict:
        return {"ok": True}

    return TestClient(app)


TOKENS = (f"zhang:operator:{token_sha256('op-token')} boss:admin:{token_sha256('admin-token')} "
          f"wangxin:department:wangxin:{token_sha256('dept-token')}")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_route_that_declares_nothing_is_closed_and_a_public_one_is_open():
    client = app_with(TOKENS)
    assert client.get("/form").status_code == 200
    closed = client.get("/cases")
    assert closed.status_code == 401 and closed.json()["error"] == "unauthorized"
    assert closed.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.get("/cases", headers=bearer("op-token-but-wrong"))
    assert wrong.status_code == 401 and "未认证" in wrong.json()["message"]
    assert client.get("/cases", headers=bearer("op-token")).json() == {"who": "zhang"}


def test_each_role_reaches_only_its_routes_and_is_refused_403_elsewhere():
    client = app_with(TOKENS)
    department = client.get("/cases", headers=bearer("dept-token"))
    assert department.status_code == 403 and department.json()["error"] == "forbidden"
    assert client.get("/mine", headers=bearer("dept-token")).json() == {"department": "wangxin"}
    assert client.get("/mine", headers=bearer("op-token")).status_code == 403
    assert client.post("/keys", headers=bearer("op-token")).status_code == 403
    assert client.post("/keys", headers=bearer("admin-token")).status_code == 200
    assert client.get("/cases", headers=bearer("admin-token")).status_code == 200  # admins are operators too


def test_without_configured_tokens_the_closed_routes_say_so_instead_of_opening():
    client = app_with("")
    refused = client.get("/cases", headers=bearer("anything"))
    assert refused.status_code == 503 and refused.json()["error"] == "operator_not_configured"
    assert client.get("/form").status_code == 200


@pytest.mark.parametrize("spec", ["zhang:operator:plaintext-token", "zhang:root:" + "a" * 64, "zhang", "x:department:" + "a" * 64])
def test_a_malformed_token_list_is_refused_at_start(spec):
    with pytest.raises(ValueError, match="OPERATOR_TOKENS"):
        parse_tokens(spec)


def request_from(peer: str, forwarded: str | None) -> Request:
    headers = Headers({"x-forwarded-for": forwarded} if forwarded else {})
    return Request({"type": "http", "client": (peer, 1234), "headers": headers.raw})


def test_the_client_is_found_behind_the_configured_proxies_and_a_forged_header_is_ignored():
    # Client 203.0.113.9 sends a forged header; our one proxy (10.0.0.2) appends what it saw.
    request = request_from("10.0.0.2", "1.1.1.1, 203.0.113.9")
    assert client_address(request, trusted_proxies=1) == "203.0.113.9"
    assert client_address(request, trusted_proxies=0) == "10.0.0.2"  # no proxy trusted: the header means nothing
    assert client_address(request_from("198.51.100.7", None), trusted_proxies=1) == "198.51.100.7"


def test_ipv6_addresses_of_one_subscriber_share_a_bucket_and_ipv4_ones_do_not():
    assert rate_key("2001:db8:1:2::1") == rate_key("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::1") != rate_key("2001:db8:1:2::1")
    assert rate_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert rate_key("203.0.113.9") != rate_key("203.0.113.10")

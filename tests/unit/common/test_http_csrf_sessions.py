"""The pages' shared machinery (libs.common.http.csrf, .sessions): CSRF tokens bound to the
visitor, signed session cookies, expiry, logout, and the session check of the shared guard."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from libs.common.clock import ManualClock
from libs.common.http import csrf, sessions
from libs.common.http.access import Authenticator, CurrentPrincipal, Principal, access, guard
from libs.common.http.errors import install_error_handlers
from libs.common.http.sessions import SessionRecord, Sessions

KEY = b"k" * 32
NOW = 1_800_000_000.0


def test_a_token_is_valid_only_for_its_visitor_and_within_its_age():
    token = csrf.issue(KEY, "visitor-a", NOW)
    assert csrf.valid(KEY, token, "visitor-a", NOW + 10)
    assert not csrf.valid(KEY, token, "visitor-b", NOW + 10)
    assert not csrf.valid(b"x" * 32, token, "visitor-a", NOW + 10)
    assert not csrf.valid(KEY, token, "visitor-a", NOW + csrf.MAX_AGE_S + 1)
    assert not csrf.valid(KEY, token, "visitor-a", NOW - 3600)  # issued "in the future"
    for broken in (None, "", "nodot", "abc.def", f"{int(NOW)}.{'0' * 64}", "9" * 20 + ".x"):
        assert not csrf.valid(KEY, broken, "visitor-a", NOW)
    assert not csrf.valid(KEY, token, None, NOW)


def test_a_session_cookie_is_accepted_only_as_signed():
    value = sessions.sign(KEY, "sid-1")
    assert sessions.unsign(KEY, value) == "sid-1"
    assert sessions.unsign(b"other" * 8, value) is None
    assert sessions.unsign(KEY, "sid-2." + value.split(".", 1)[1]) is None
    assert sessions.unsign(KEY, None) is None and sessions.unsign(KEY, "x" * 300) is None


def test_a_session_ends_at_its_expiry_or_after_idling():
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    record = SessionRecord("h", Principal("zhang", "operator"), start, start + timedelta(hours=8), start)
    assert sessions.is_live(record, start + timedelta(minutes=29))
    assert not sessions.is_live(record, start + timedelta(minutes=31))  # idle
    busy = SessionRecord("h", record.principal, start, record.expires_at, start + timedelta(hours=7, minutes=59))
    assert sessions.is_live(busy, start + timedelta(hours=7, minutes=59, seconds=30))
    assert not sessions.is_live(busy, start + timedelta(hours=8))  # absolute expiry, however busy


class MemoryStore:
    def __init__(self) -> None:
        self.records: dict[str, SessionRecord] = {}

    async def put(self, record: SessionRecord) -> None:
        self.records[record.sid_sha256] = record

    async def get(self, sid_sha256: str) -> SessionRecord | None:
        return self.records.get(sid_sha256)

    async def touch(self, sid_sha256: str, at: datetime) -> None:
        r = self.records[sid_sha256]
        self.records[sid_sha256] = SessionRecord(r.sid_sha256, r.principal, r.created_at, r.expires_at, at)

    async def delete(self, sid_sha256: str) -> None:
        self.records.pop(sid_sha256, None)


def _app(clock: ManualClock) -> tuple[TestClient, MemoryStore]:
    store, protect = MemoryStore(), csrf.Csrf(KEY)
    manager = Sessions(store, KEY, protect, clock)
    app = FastAPI(dependencies=[Depends(guard(Authenticator([], manager.check)))])
    install_error_handlers(app)

    @app.get("/form", openapi_extra=access("public"))
    async def form(request: Request) -> Response:
        response = Response(protect.token("v1"))
        response.set_cookie(csrf.VISITOR_COOKIE, "v1")
        return response

    @app.post("/login", openapi_extra=access("public"))
    async def login(request: Request) -> Response:
        response = Response("ok")
        await manager.start(response, Principal("zhang", "operator"))
        return response

    @app.post("/logout", openapi_extra=access("public"))
    async def logout(request: Request) -> Response:
        response = Response("bye")
        await manager.end(request, response)
        return response

    @app.get("/cases")
    async def cases(who: CurrentPrincipal) -> dict:
        return {"who": who.name}

    @app.post("/cases/close")
    async def close(who: CurrentPrincipal) -> dict:
        return {"closed_by": who.name}

    return TestClient(app), store


def test_a_session_opens_operator_routes_until_logout_and_a_change_needs_its_csrf_token():
    clock = ManualClock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    client, store = _app(clock)
    assert client.get("/cases").status_code == 401
    token = client.get("/form").text
    client.post("/login")
    assert client.get("/cases").json() == {"who": "zhang"}
    assert list(store.records) and all(len(k) == 64 for k in store.records)  # only the id's hash is kept

    refused = client.post("/cases/close")  # the cookie alone (a cross-site form) does not act
    assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
    assert client.post("/cases/close", data={"csrf_token": token}).json() == {"closed_by": "zhang"}
    assert client.post("/cases/close", headers={csrf.HEADER: token}).json() == {"closed_by": "zhang"}

    copied = dict(client.cookies)
    client.post("/logout")
    assert client.get("/cases").status_code == 401
    assert client.get("/cases", cookies=copied).status_code == 401  # a copied cookie opens nothing after logout


def test_a_session_left_idle_is_refused():
    clock = ManualClock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    client, _ = _app(clock)
    client.post("/login")
    clock.advance(timedelta(minutes=20))
    assert client.get("/cases").status_code == 200  # use keeps it alive
    clock.advance(timedelta(minutes=29))
    assert client.get("/cases").status_code == 200
    clock.advance(timedelta(minutes=31))
    assert client.get("/cases").status_code == 401

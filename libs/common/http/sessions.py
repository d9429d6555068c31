"""Signed login sessions for the pages (登录会话), the same in every service that has logins.

A session is a random id in an HttpOnly, SameSite=Lax cookie, signed with the service's
session key so a forged cookie is refused before any database read. The server keeps each
session (by the SHA-256 of its id, so a copied database opens none) with the principal,
an absolute expiry and the time last seen: a session ends at `ttl`, after `idle` without
use, or at logout (the record is deleted, so a copied cookie stops working at once).

`Sessions.check` is the `SessionCheck` of libs.common.http.access: a request with a valid
session acts as its principal; one that changes state must also carry its CSRF token
(libs.common.http.csrf), so the cookie alone never suffices to act.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from fastapi import Request, Response

from libs.common.clock import Clock
from libs.common.http.access import Principal
from libs.common.http.csrf import Csrf
from libs.common.http.errors import ApiError

COOKIE = "nr_session"
TTL = timedelta(hours=8)  # one duty shift
IDLE = timedelta(minutes=30)
TOUCH_EVERY = timedelta(minutes=1)  # last-seen writes at most this often


@dataclass(frozen=True)
class SessionRecord:
    sid_sha256: str
    principal: Principal
    created_at: datetime
    expires_at: datetime
    last_seen: datetime


class SessionStore(Protocol):
    async def put(self, record: SessionRecord) -> None: ...
    async def get(self, sid_sha256: str) -> SessionRecord | None: ...
    async def touch(self, sid_sha256: str, at: datetime) -> None: ...
    async def delete(self, sid_sha256: str) -> None: ...


def sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def sign(key: bytes, sid: str) -> str:
    return f"{sid}.{hmac.new(key, f'session:{sid}'.encode(), hashlib.sha256).hexdigest()}"


def unsign(key: bytes, value: str | None) -> str | None:
    """The session id of a cookie value we signed, else None."""
    if not value or "." not in value or len(value) > 200:
        return None
    sid, _ = value.rsplit(".", 1)
    return sid if hmac.compare_digest(sign(key, sid), value) else None


def is_live(record: SessionRecord, now: datetime, idle: timedelta = IDLE) -> bool:
    return now < record.expires_at and now - record.last_seen < idle


class Sessions:
    def __init__(self, store: SessionStore, key: bytes, csrf: Csrf, clock: Clock, *,
                 ttl: timedelta = TTL, idle: timedelta = IDLE, secure: bool = False) -> None:
        self.store, self.key, self.csrf, self.clock = store, key, csrf, clock
        self.ttl, self.idle, self.secure = ttl, idle, secure

    async def start(self, response: Response, principal: Principal) -> None:
        """Logs the principal in: a fresh id every time (no session fixation)."""
        sid = secrets.token_urlsafe(32)
        now = self.clock.now()
        await self.store.put(SessionRecord(sid_hash(sid), principal, now, now + self.ttl, now))
        response.set_cookie(COOKIE, sign(self.key, sid), max_age=int(self.ttl.total_seconds()), httponly=True,
                            samesite="lax", secure=self.secure, path="/")

    async def current(self, request: Request) -> SessionRecord | None:
        sid = unsign(self.key, request.cookies.get(COOKIE))
        if sid is None:
            return None
        record = await self.store.get(sid_hash(sid))
        now = self.clock.now()
        if record is None or not is_live(record, now, self.idle):
            return None
        if now - record.last_seen >= TOUCH_EVERY:
            await self.store.touch(record.sid_sha256, now)
        return record

    async def end(self, request: Request, response: Response) -> Principal | None:
        """Logout: the record goes, so the cookie opens nothing anymore, wherever it was copied."""
        record = await self.current(request)
        if record is not None:
            await self.store.delete(record.sid_sha256)
        response.delete_cookie(COOKIE, path="/")
        return record.principal if record else None

    async def check(self, request: Request) -> Principal | None:
        """The SessionCheck for the shared guard (libs.common.http.access)."""
        if COOKIE not in request.cookies:
            return None
        record = await self.current(request)
        if record is None:
            return None
        if not await self.csrf.passes(request):
            raise ApiError(403, "csrf_failed", "表单已失效或来源不明（缺少有效的 CSRF 令牌），请刷新页面后重新提交")
        return record.principal

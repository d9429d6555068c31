"""CSRF protection for every form of the pages (跨站请求伪造防护), the same in every service.

Each browser gets a random visitor id in an HttpOnly cookie (`VISITOR_COOKIE`, set by
libs.common.http.pages on the first page it sees); each form carries a token that is an
HMAC of that id and the time it was issued. A POST whose token is missing, from another
visitor, forged or older than `max_age_s` is refused. A cross-site page can make the
browser send the cookie, but it can neither read the cookie nor the token in our page,
so it cannot build a valid pair.

Pure except `check`, which reads the request's form or header.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import Request

from libs.common.http.errors import ApiError

VISITOR_COOKIE = "nr_visitor"
FIELD = "csrf_token"  # the hidden field of every form
HEADER = "X-CSRF-Token"  # the same token, for a script's fetch()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_AGE_S = 8 * 3600  # a form left open for a working day still posts


def new_visitor_id() -> str:
    return secrets.token_urlsafe(24)


def _mac(key: bytes, visitor: str, issued: int) -> str:
    return hmac.new(key, f"csrf:{visitor}:{issued}".encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, visitor: str, now: float) -> str:
    """The token a form of this visitor carries: `<issued unix s>.<hex HMAC>`."""
    issued = int(now)
    return f"{issued}.{_mac(key, visitor, issued)}"


def valid(key: bytes, token: str | None, visitor: str | None, now: float, max_age_s: int = MAX_AGE_S) -> bool:
    if not token or not visitor or "." not in token:
        return False
    issued_text, mac = token.split(".", 1)
    if not issued_text.isdigit() or len(issued_text) > 12:
        return False
    issued = int(issued_text)
    if not (now - max_age_s <= issued <= now + 60):  # a minute of clock skew between instances
        return False
    return hmac.compare_digest(mac, _mac(key, visitor, issued))


class Csrf:
    """The key and the check, built once per service (key derived from its secret)."""

    def __init__(self, key: bytes, max_age_s: int = MAX_AGE_S) -> None:
        self.key, self.max_age_s = key, max_age_s

    def token(self, visitor: str) -> str:
        return issue(self.key, visitor, time.time())

    async def passes(self, request: Request) -> bool:
        """Safe methods pass; others need the token in the form field or the header."""
        if request.method in SAFE_METHODS:
            return True
        token = request.headers.get(HEADER)
        if token is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached on the request: the route reads the same form
            value = form.get(FIELD)
            token = value if isinstance(value, str) else None
        return valid(self.key, token, request.cookies.get(VISITOR_COOKIE), time.time(), self.max_age_s)

    async def check(self, request: Request) -> None:
        """A route dependency: refuses a state-changing request without its token (403)."""
        if not await self.passes(request):
            raise ApiError(403, "csrf_failed", "表单已失效或来源不明（缺少有效的 CSRF 令牌），请刷新页面后重新提交")


def derive_key(secret: str, purpose: str) -> bytes:
    """A key of its own for each use of the service's secret (CSRF, sessions)."""
    return hmac.new(secret.encode(), f"netreport-pages:{purpose}".encode(), hashlib.sha256).digest()

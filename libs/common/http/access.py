"""Who may call which route. Secure by default: a route that declares nothing needs an
operator's credentials; every other kind of access is declared on the route, so the
public surface of a service is a list one can read (`routes_by_access`).

    public     anyone (the report form, the status page with its token, the rebuttal site)
    signed     a platform, by the HMAC signature the route itself checks
    volunteer  a registered volunteer, by the token the route itself checks
    operator   duty operators (值班员) and admins
    department a department's staff (承办单位), who see only their own cases
    admin      admins only

Credentials: a bearer token whose SHA-256 is listed in OPERATOR_TOKENS (compared in
constant time; the raw tokens never sit in the environment), or a signed session of the
console (libs.common.http.sessions, when the service has one). 401 when missing or wrong,
403 when the principal's role may not call the route, both in the one error shape.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from libs.common.http.errors import ApiError

Access = Literal["public", "signed", "volunteer", "operator", "department", "admin"]
Role = Literal["operator", "department", "admin"]
ACCESS_KEY = "x-access"
DEFAULT: Access = "operator"
# Checked by the route itself (a signature, a volunteer token) or by nobody: the guard lets them through.
DELEGATED: frozenset[str] = frozenset({"public", "signed", "volunteer"})
ALLOWED: dict[str, frozenset[str]] = {"operator": frozenset({"operator", "admin"}),
                                      "department": frozenset({"department"}),
                                      "admin": frozenset({"admin"})}
ROLES: tuple[str, ...] = get_args(Role)

bearer = HTTPBearer(auto_error=False, scheme_name="OperatorToken",
                    description="值班员/承办单位/管理员令牌（其 SHA-256 配置于 OPERATOR_TOKENS）")


def access(kind: Access) -> dict[str, Any]:
    """`openapi_extra=` for a route: who may call it."""
    return {ACCESS_KEY: kind}


def declare(router: APIRouter, kind: Access) -> APIRouter:
    """Every route of `router` gets `kind` (routes that declared their own keep it)."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            extra = route.openapi_extra = dict(route.openapi_extra or {})
            extra.setdefault(ACCESS_KEY, kind)
    return router


def route_access(route: Any) -> Access:
    extra = getattr(route, "openapi_extra", None) or {}
    return extra.get(ACCESS_KEY, DEFAULT)  # type: ignore[no-any-return]


def routes_by_access(app: FastAPI) -> dict[str, list[str]]:
    """{access: ["GET /path", ...]} for every operation of the app's OpenAPI document (for
    tests and SECURITY.md; `/metrics`, `/docs` and `/openapi.json` are public and not in it)."""
    out: dict[str, list[str]] = {}
    for path, operations in app.openapi().get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                out.setdefault(operation.get(ACCESS_KEY, DEFAULT), []).append(f"{method.upper()} {path}")
    return {k: sorted(v) for k, v in sorted(out.items())}


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    department: str | None = None  # the department a `department` principal acts for


@dataclass(frozen=True)
class TokenEntry:
    principal: Principal
    sha256: str


def parse_tokens(spec: str) -> list[TokenEntry]:
    """OPERATOR_TOKENS: entries `name:role:sha256` or `name:department:<code>:sha256`,
    separated by commas or whitespace. Malformed entries are refused at start."""
    entries = []
    for raw in spec.replace(",", " ").split():
        parts = raw.split(":")
        if len(parts) == 3 and parts[1] in ("operator", "admin"):
            name, role, digest, department = parts[0], parts[1], parts[2], None
        elif len(parts) == 4 and parts[1] == "department":
            name, role, department, digest = parts
        else:
            raise ValueError(f"OPERATOR_TOKENS entry {raw[:40]!r}: expected name:role:sha256 or name:department:code:sha256")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
            raise ValueError(f"OPERATOR_TOKENS entry for {name!r}: the last part must be a SHA-256 in hex")
        entries.append(TokenEntry(Principal(name, role, department), digest.lower()))  # type: ignore[arg-type]
    return entries


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


SessionCheck = Callable[[Request], Awaitable[Principal | None]]


class Authenticator:
    """Finds the principal behind a request's credentials."""

    def __init__(self, tokens: Iterable[TokenEntry] = (), sessions: SessionCheck | None = None) -> None:
        self.tokens = list(tokens)
        self.sessions = sessions

    @property
    def configured(self) -> bool:
        return bool(self.tokens) or self.sessions is not None

    def by_token(self, token: str) -> Principal | None:
        digest = token_sha256(token)
        found = None
        for entry in self.tokens:  # every entry compared, in constant time: no early exit to time
            if hmac.compare_digest(digest, entry.sha256):
                found = entry.principal
        return found

    async def principal(self, request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
        if credentials is not None and credentials.credentials:
            return self.by_token(credentials.credentials)
        if self.sessions is not None:
            return await self.sessions(request)
        return None


def guard(auth: Authenticator) -> Callable[..., Awaitable[None]]:
    """The app-wide dependency that enforces each route's access (see module docstring)."""

    async def check(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        kind = route_access(request.scope.get("route"))
        if kind in DELEGATED:
            return
        if not auth.configured:
            raise ApiError(503, "operator_not_configured", "值班员接口未启用：服务端未配置 OPERATOR_TOKENS")
        principal = await auth.principal(request, credentials)
        if principal is None:
            raise ApiError(401, "unauthorized", "未认证：令牌或登录会话缺失、无效或已过期", {"WWW-Authenticate": "Bearer"})
        if principal.role not in ALLOWED[kind]:
            raise ApiError(403, "forbidden", "无权访问：当前身份不能执行此操作")
        request.state.principal = principal

    return check


def current_principal(request: Request) -> Principal:
    """The principal the guard found (a route with operator, department or admin access)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise ApiError(401, "unauthorized", "未认证：令牌或登录会话缺失、无效或已过期", {"WWW-Authenticate": "Bearer"})
    return principal  # type: ignore[no-any-return]


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

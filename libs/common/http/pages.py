"""Server-rendered pages (Jinja2) for every service: one layout, one stylesheet, one way to
render, the same security headers, and page-friendly refusals.

Why server-rendered HTML with a little progressive JavaScript and no single-page app: the
pages are forms and tables that must work on any phone browser and with scripts off, load
fast on a poor connection, and pass a government accessibility review; a Node build would be
one more toolchain to install, pin and audit for each deployment (services/intake/README.md).

`render` gives every page the visitor's CSRF token (libs.common.http.csrf) and sets the
visitor cookie the token is bound to. Assets are served by the service itself under
`/static` (no CDN: the pages must work on the center's own network and leak no visit).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from libs.common.http.csrf import VISITOR_COOKIE, Csrf, new_visitor_id
from libs.common.vocabulary import CATEGORY_ZH, SEVERITY_ZH, ZONE_ZH

HERE = Path(__file__).parent
STATIC = HERE / "static"
CST = "Asia/Shanghai"
# No inline script or style anywhere, so the policy can forbid them: an injected tag does nothing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a tracking page's token never leaves in a Referer
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",  # pages may show personal data or a status token
}


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Times on the pages are China Standard Time, whatever the server's zone."""
    if value is None:
        return "—"
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(CST)).strftime(fmt)


class Pages:
    def __init__(self, template_dirs: Iterable[Path], csrf: Csrf, *, secure_cookies: bool = False,
                 site_name: str = "网络违法和不良信息举报") -> None:
        loader = ChoiceLoader([FileSystemLoader(str(d)) for d in [*template_dirs, HERE / "templates"]])
        self.env = Environment(loader=loader, autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.env.filters["local_time"] = local_time
        self.env.globals.update(CATEGORY_ZH=CATEGORY_ZH, ZONE_ZH=ZONE_ZH, SEVERITY_ZH=SEVERITY_ZH, site_name=site_name)
        self.csrf, self.secure = csrf, secure_cookies

    def visitor(self, request: Request) -> tuple[str, bool]:
        existing = request.cookies.get(VISITOR_COOKIE)
        return (existing, False) if existing and len(existing) < 100 else (new_visitor_id(), True)

    def redirect(self, url: str) -> RedirectResponse:
        return redirect(url)

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        visitor, fresh = self.visitor(request)
        context.setdefault("principal", getattr(request.state, "principal", None))
        html = self.env.get_template(template).render(request=request, csrf_token=self.csrf.token(visitor), **context)
        response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        if fresh:
            response.set_cookie(VISITOR_COOKIE, visitor, httponly=True, samesite="lax", secure=self.secure, path="/")
        return response


def redirect(url: str) -> RedirectResponse:
    """After a POST: 303, so a reload does not post again."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def install_page_errors(app: FastAPI, pages: Pages, *, prefixes: tuple[str, ...], login_url: str | None = None) -> None:
    """Refusals on page paths as pages: 401 → the login page (coming back afterwards), other
    refusals a readable page in Chinese; API paths keep the JSON error body."""
    api_handler = app.exception_handlers[StarletteHTTPException]

    async def handler(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if not isinstance(exc, StarletteHTTPException) or not any(path == p or path.startswith(p + "/") for p in prefixes):
            return await api_handler(request, exc)  # type: ignore[no-any-return]
        if exc.status_code == 401 and login_url and request.method == "GET":
            return redirect(f"{login_url}?next={path}")
        message = exc.detail if isinstance(exc.detail, str) else "请求无法完成"
        return pages.render(request, "error.html", status=exc.status_code, status_code=exc.status_code, message=message,
                            login_url=login_url)

    app.exception_handlers[StarletteHTTPException] = handler


def page_routes_by_access(app: FastAPI) -> dict[str, list[str]]:
    """{access: ["GET /path", ...]} for the routes kept out of the OpenAPI document (the
    pages), so their access is a reviewed list like the API's (access.routes_by_access)."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from libs.common.http.access import ACCESS_KEY, DEFAULT

    out: dict[str, list[str]] = {}
    for route in iter_route_contexts(app.routes):  # routers included by FastAPI, flattened
        if isinstance(route.original_route, APIRoute) and not getattr(route, "include_in_schema", True):
            kind = (getattr(route, "openapi_extra", None) or {}).get(ACCESS_KEY, DEFAULT)
            for method in sorted(route.methods or ()):
                out.setdefault(kind, []).append(f"{method} {route.path}")
    return {k: sorted(v) for k, v in sorted(out.items())}

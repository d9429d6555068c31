"""Login and logout (登录、退出) for the console and the desk."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from libs.common.http.access import access
from services.dispatch.accounts.login import log_in
from services.dispatch.context import Ctx
from services.dispatch.pages.site import SiteDep, home_of

router = APIRouter(include_in_schema=False)
public = access("public")  # the login form itself; checks its CSRF token and the password


def _safe_next(value: str | None) -> str | None:
    """Only a path of this site (no //host, no scheme): an open redirect would help phishing."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 300:
        return value
    return None


@router.get("/login", openapi_extra=public)
async def login_page(request: Request, site: SiteDep, next: str | None = None) -> Response:  # noqa: A002
    return site.pages.render(request, "login.html", next=_safe_next(next) or "", error=None, name="")


@router.post("/login", openapi_extra=public)
async def login(request: Request, ctx: Ctx, site: SiteDep) -> Response:
    await site.pages.csrf.check(request)
    form = await request.form()
    name, password = str(form.get("name", "")).strip()[:40], str(form.get("password", ""))[:200]
    after = _safe_next(str(form.get("next", "")))
    result = await log_in(site.accounts, site.lockout, name=name, password=password, now=ctx.clock.now())
    if result.principal is None:
        await site.audit(request, ctx, None, "login", detail=f"login name {name}", outcome=result.outcome)
        return site.pages.render(request, "login.html", status=401, next=after or "", error=result.refusal, name=name)
    await site.audit(request, ctx, result.principal, "login")
    target = after if after and after.startswith(home_of(result.principal)) else home_of(result.principal)
    response = site.pages.redirect(target)
    await site.sessions.start(response, result.principal)
    return response


@router.post("/logout", openapi_extra=public)
async def logout(request: Request, ctx: Ctx, site: SiteDep) -> Response:
    await site.pages.csrf.check(request)
    response = site.pages.redirect("/login")
    who = await site.sessions.end(request, response)
    if who is not None:
        await site.audit(request, ctx, who, "logout")
    return response

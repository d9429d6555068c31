"""Wiring of dispatch's pages (app.py calls these two): the site before the app exists, so
the shared guard gets its session check; the routes, assets and page refusals after."""
from __future__ import annotations

from fastapi import FastAPI

from libs.common.clock import Clock
from libs.common.http.csrf import Csrf, derive_key
from libs.common.http.pages import Pages, install_page_errors, mount_static
from libs.common.http.sessions import Sessions
from libs.common.service import Runtime
from services.dispatch.accounts.lockout import LockoutPolicy
from services.dispatch.accounts.store import AccountStore, SessionsOf
from services.dispatch.pages import auth_routes, console_routes, desk_routes, duty_routes, review_routes, rumor_routes
from services.dispatch.pages.service_client import ServiceClient
from services.dispatch.pages.site import PREFIXES, TEMPLATES, Site
from services.dispatch.settings import DispatchSettings


def build_site(runtime: Runtime, settings: DispatchSettings, clock: Clock, secret: str) -> Site:
    """`secret`: dispatch's feedback key (required at start); the page keys are derived from it."""
    secure = (settings.public_base_url or "").startswith("https://")
    csrf = Csrf(derive_key(secret or "unset", "csrf"))
    accounts = AccountStore(runtime.db)
    sessions = Sessions(SessionsOf(accounts), derive_key(secret or "unset", "sessions"), csrf, clock, secure=secure)
    pages = Pages([TEMPLATES], csrf, secure_cookies=secure)
    return Site(pages, sessions, accounts, LockoutPolicy(), settings.trusted_proxies)


def install_pages(app: FastAPI, site: Site, settings: DispatchSettings) -> None:
    for module in (auth_routes, desk_routes, review_routes, duty_routes, console_routes, rumor_routes):
        app.include_router(module.router)
    token = settings.rumor_token.get_secret_value() if settings.rumor_token else None
    app.state.rumor = ServiceClient(settings.rumor_url, token)
    intake_token = settings.intake_token.get_secret_value() if settings.intake_token else None
    app.state.intake = ServiceClient(settings.intake_url, intake_token, service="受理服务")
    mount_static(app)
    install_page_errors(app, site.pages, prefixes=PREFIXES, login_url="/login")
    app.state.site = site

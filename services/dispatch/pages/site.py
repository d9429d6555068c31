"""What dispatch's pages share, built once in app.py: rendering, sessions, accounts, lockout."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from libs.common.http.access import Principal
from libs.common.http.client import client_address
from libs.common.http.pages import Pages
from libs.common.http.sessions import Sessions
from services.dispatch.accounts.lockout import LockoutPolicy
from services.dispatch.accounts.store import AccountStore
from services.dispatch.context import DispatchContext

TEMPLATES = Path(__file__).with_name("templates")
PREFIXES = ("/console", "/desk", "/login", "/logout")


@dataclass
class Site:
    pages: Pages
    sessions: Sessions
    accounts: AccountStore
    lockout: LockoutPolicy
    trusted_proxies: int = 0

    async def audit(self, request: Request, ctx: DispatchContext, who: Principal | None, action: str, *,
                    case_id: str | None = None, detail: str = "", outcome: str = "ok") -> None:
        """Every action on the pages (谁、何时、做了什么、哪个案件), into the append-only log."""
        await self.accounts.append(at=ctx.clock.now(), actor=who, action=action, case_id=case_id, detail=detail,
                                   outcome=outcome, address=client_address(request, self.trusted_proxies))


def get_site(request: Request) -> Site:
    return request.app.state.site  # type: ignore[no-any-return]


SiteDep = Annotated[Site, Depends(get_site)]


def home_of(principal: Principal) -> str:
    return "/desk" if principal.role == "department" else "/console"


def audit_to(site: Site, ctx: DispatchContext) -> Callable[[str, str, Principal | None, str | None], Awaitable[None]]:
    """The audit log as duty's actions write it: the system's own steps (paging, escalating)
    have no actor."""
    async def audit(action: str, detail: str, actor: Principal | None, subject: str | None) -> None:
        await site.accounts.append(at=ctx.clock.now(), actor=actor, action=action, case_id=subject, detail=detail)

    return audit

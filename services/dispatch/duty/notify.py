"""Delivering pages to people: every `paged` and `escalated` step on duty.pages goes through
a notifier. The console is always one (it lists the open pages of whoever is logged in);
with DISPATCH_DUTY_GATEWAY_URL set, the step is also POSTed, signed, to an SMS/IM gateway,
which maps the account name to a phone or an IM user. A gateway that stays down sends the
step to duty.pages.dlq with the reason; the page itself still escalates on time."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol

from libs.common.consumer import PermanentError
from libs.common.events import DutyPage
from libs.common.http.signed_post import PostFailed, SignedPoster
from libs.common.logs import get_logger
from services.dispatch.duty.policy import LEVEL_ZH

log = get_logger(__name__)


class Notifier(Protocol):
    async def notify(self, event: DutyPage) -> None: ...


class ConsoleNotifier:
    """The console shows the page; nothing to send."""

    async def notify(self, event: DutyPage) -> None:
        log.info("duty_page_on_console", page_id=event.page_id, level=event.level, person=event.person)


def gateway_body(event: DutyPage, console_url: str | None) -> bytes:
    """What the gateway receives: who to reach and a short text for an SMS (no reporter data)."""
    text = f"【网络举报值班】{event.title}（{LEVEL_ZH[event.level]}，请在控制台确认）"
    return json.dumps({"page_id": event.page_id, "step_id": event.event_id, "step": event.step, "level": event.level,
                       "to": event.person, "kind": event.kind, "severity": event.severity, "text": text[:300],
                       "url": f"{console_url.rstrip('/')}/console/duty" if console_url else None},
                      ensure_ascii=False).encode()


@dataclass
class WebhookNotifier:
    url: str
    secret: str
    console_url: str | None = None
    poster: SignedPoster = field(default_factory=SignedPoster)

    async def notify(self, event: DutyPage) -> None:
        try:
            status, answer = await self.poster.post(self.url, gateway_body(event, self.console_url), self.secret,
                                                    idempotency_key=event.event_id)
        except PostFailed as exc:
            raise PermanentError(f"duty gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise PermanentError(f"duty gateway refused the page: HTTP {status} {answer[:200]!r}")


@dataclass
class PageDelivery:
    """The duty.pages consumer: each step that reaches a person goes to every notifier."""

    notifiers: list[Notifier]

    async def on_step(self, event: DutyPage) -> None:
        if event.step not in ("paged", "escalated") or not event.person:
            return
        for notifier in self.notifiers:
            await notifier.notify(event)

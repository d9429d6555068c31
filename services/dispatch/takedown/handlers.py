"""Delivers takedown requests from cases.takedown to the platforms (signed HTTP callbacks).

The request reached Kafka through the case's outbox, so it survives a restart; this
consumer commits only after the platform answered and the answer is stored with the case.
The answer becomes a CaseFeedback on cases.feedback (through the case's outbox), so a
platform's "removed" or "rejected" takes the same road as a department's. A platform that
stays down, or refuses the request, is noted on the case and the request goes to the DLQ.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

from libs.common.clock import Clock
from libs.common.consumer import PermanentError
from libs.common.http.signed_post import PostFailed, SignedPoster
from libs.common.events import CaseFeedback, TakedownRequested, derive_event_id
from libs.common.logs import bind_case, get_logger
from libs.common.outbox import OutboxRelay
from libs.common.rulefile import Rules
from libs.common.topics import CASES_EVENTS, CASES_FEEDBACK
from services.dispatch import announce, metrics
from services.dispatch.feedback_signature import department_key, sign_feedback
from services.dispatch.takedown.platforms import PlatformRegistry, PlatformSpec
from services.dispatch.store import DispatchStore
from services.dispatch.takedown.callback import parse_answer, request_body

log = get_logger(__name__)


class TakedownFailed(Exception):
    """The platform did not take the request: down after every retry, or it refused it."""


class TakedownSender(Protocol):
    async def send(self, url: str, body: bytes, secret: str) -> tuple[int, bytes]: ...


class HttpTakedownSender:
    """The shared signed POST (libs.common.http.signed_post), its failure as TakedownFailed."""

    def __init__(self, *, attempts: int = 4, timeout_s: float = 10.0, backoff_s: float = 0.5) -> None:
        self.poster = SignedPoster(attempts=attempts, timeout_s=timeout_s, backoff_s=backoff_s)

    async def send(self, url: str, body: bytes, secret: str) -> tuple[int, bytes]:
        try:
            return await self.poster.post(url, body, secret)
        except PostFailed as exc:
            raise TakedownFailed(str(exc)) from exc


@dataclass
class TakedownWorker:
    store: DispatchStore
    relay: OutboxRelay
    platform_rules: Rules[PlatformRegistry]  # reloaded on change: a platform removed is refused at once
    sender: TakedownSender
    clock: Clock
    feedback_url_base: str | None = None  # where platforms may answer later (signed)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    feedback_key: str = ""  # the platform's answer goes on cases.feedback signed as its own

    async def on_takedown(self, request: TakedownRequested) -> None:
        bind_case(case_id=request.case_id)
        case = await self.store.get(request.case_id)
        if case is None:
            raise PermanentError(f"no case {request.case_id}")
        if request.event_id in case.get("takedowns_done", []):
            return  # answered before; a redelivery after a crash before the commit
        spec = self.platform_rules.get().get(request.platform_id)
        if spec is None:
            await self._failed(case, request, "platform no longer in rules/platforms.yaml")
        secret = self.environ.get(spec.secret_env, "")
        if len(secret) < 16:
            await self._failed(case, request, f"{spec.secret_env} is not set (a secret of at least 16 characters)")
        body = request_body(request, feedback_url=self._feedback_url(spec))
        try:
            status, raw = await self.sender.send(spec.takedown_url, body, secret)
        except TakedownFailed as exc:
            await self._failed(case, request, str(exc))
        if not 200 <= status < 300:
            await self._failed(case, request, f"refused with HTTP {status}: {raw[:200]!r}")
        await self._answered(case, request, spec, raw)

    def _feedback_url(self, spec: PlatformSpec) -> str | None:
        return f"{self.feedback_url_base.rstrip('/')}/api/v1/platforms/{spec.id}/feedback" if self.feedback_url_base else None

    async def _answered(self, case: dict[str, Any], request: TakedownRequested, spec: PlatformSpec, raw: bytes) -> None:
        """Store the answer with the case; anything but a plain receipt goes on as feedback."""
        answer = parse_answer(raw)
        events: list[tuple[Any, str]] = []
        if request.role == "handler" or answer.status == "removed":
            feedback = CaseFeedback(event_id=derive_event_id(request.event_id, f"answer:{answer.status}"),
                                    occurred_at=self.clock.now(), case_id=request.case_id, department_code=spec.code,
                                    action=answer.status, result=answer.result, handler_name=answer.handler_name,
                                    dispatch_no=request.dispatch_no)
            events.append((sign_feedback(feedback, department_key(self.feedback_key, spec.code)), CASES_FEEDBACK))
        guard = {"takedowns_done": {"$ne": request.event_id}}
        await self.store.apply(case["_id"], guard, {"$push": {"takedowns_done": request.event_id}}, events)
        metrics.TAKEDOWNS.labels(platform=spec.code, outcome=answer.status).inc()
        log.info("takedown_delivered", platform=spec.id, answer=answer.status)
        self.relay.poke()

    async def _failed(self, case: dict[str, Any], request: TakedownRequested, why: str) -> NoReturn:
        """Noted on the case once for the operators (history, metrics), then the DLQ keeps the
        request for a replay once the platform is back or the setting fixed."""
        event = announce.case_event(request.event_id, case, "takedown_failed", why[:500], self.clock.now(),
                                    platform=f"platform.{request.platform_id}", request_id=request.event_id)
        guard = {"takedowns_failed": {"$ne": request.event_id}}
        if await self.store.apply(case["_id"], guard, {"$push": {"takedowns_failed": request.event_id}}, [(event, CASES_EVENTS)]):
            metrics.TAKEDOWNS.labels(platform=f"platform.{request.platform_id}", outcome="failed").inc()
            metrics.count_case_events([(event, CASES_EVENTS)])
            self.relay.poke()
        log.warning("takedown_failed", platform=request.platform_id, reason=why)
        raise PermanentError(f"takedown to {request.platform_id} failed: {why}")

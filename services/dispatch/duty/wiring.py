"""Builds duty's parts for app.py: the store (its pages' outbox on dispatch's relay), the
service, the loop and the page delivery with its notifiers."""
from __future__ import annotations

from libs.common.outbox import OutboxRelay
from libs.common.rulefile import watching
from libs.common.service import Runtime
from services.dispatch.context import DispatchContext
from services.dispatch.duty.notify import ConsoleNotifier, Notifier, PageDelivery, WebhookNotifier
from services.dispatch.duty.policy import load_duty_policy
from services.dispatch.duty.scheduler import DutyScheduler
from services.dispatch.duty.service import Audit, DutyService
from services.dispatch.duty.store import DutyStore
from services.dispatch.settings import DispatchSettings


def notifiers(settings: DispatchSettings) -> list[Notifier]:
    found: list[Notifier] = [ConsoleNotifier()]
    if settings.duty_gateway_url:
        if settings.duty_gateway_secret is None:
            raise SystemExit("DISPATCH_DUTY_GATEWAY_SECRET must be set with DISPATCH_DUTY_GATEWAY_URL: pages are signed")
        found.append(WebhookNotifier(settings.duty_gateway_url, settings.duty_gateway_secret.get_secret_value(),
                                     console_url=settings.public_base_url))
    return found


def build_duty(runtime: Runtime, settings: DispatchSettings, ctx: DispatchContext, relay: OutboxRelay,
               audit: Audit) -> tuple[DutyService, DutyScheduler, PageDelivery]:
    store = DutyStore(runtime.db, relay)
    duty = DutyService(store, watching(settings.duty_file, load_duty_policy, name="dispatch.duty"), ctx.clock, audit)
    return duty, DutyScheduler(duty, ctx, settings.chase_interval_s), PageDelivery(notifiers(settings))

"""What dispatch's handlers, loops and routes share, built once in app.py: the store and
its relay, the directory, the routing and deadline policies, the platforms, the clock.

The three rule files are held as `Rules` (reloaded on change in the service), and read
through the properties at each decision, so an operator's edit applies to the next case."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from libs.common.bus import Bus
from libs.common.clock import Clock
from libs.common.outbox import OutboxRelay
from libs.common.rulefile import Fixed, Rules
from services.dispatch.deadlines import DeadlinePolicy
from services.dispatch.directory import Directory
from services.dispatch.takedown.platforms import PlatformRegistry
from services.dispatch.routing import RoutingPolicy
from services.dispatch.store import DispatchStore


@dataclass
class DispatchContext:
    store: DispatchStore
    relay: OutboxRelay
    directory: Directory
    routing_rules: Rules[RoutingPolicy]
    deadline_rules: Rules[DeadlinePolicy]
    clock: Clock
    platform_rules: Rules[PlatformRegistry] = field(default_factory=lambda: Fixed(PlatformRegistry()))
    recheck_delay: timedelta = timedelta(hours=24)
    bus: Bus | None = None  # the platform callback publishes feedback directly
    platform_feedback_skew_s: int = 300
    feedback_key: str = ""  # departments' answers are signed with keys derived from it (feedback_signature.py)

    @property
    def routing(self) -> RoutingPolicy:
        return self.routing_rules.get()

    @property
    def deadlines(self) -> DeadlinePolicy:
        return self.deadline_rules.get()

    @property
    def platforms(self) -> PlatformRegistry:
        return self.platform_rules.get()


def get_context(request: Request) -> DispatchContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


Ctx = Annotated[DispatchContext, Depends(get_context)]

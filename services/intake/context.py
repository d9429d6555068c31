"""What intake's routes and workers share, built once in app.py."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from libs.common.clock import Clock, SystemClock
from libs.common.outbox import OutboxRelay
from libs.common.privacy import Privacy
from libs.common.rulefile import Rules
from services.intake.accept import Acceptor
from services.intake.danger import DangerTerms
from services.intake.ratelimit import TokenBucketLimiter
from services.intake.registry import PlatformRegistry
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore
from services.intake.volunteers import PointsPolicy, TrustPolicy


def _nothing() -> None:
    return None


@dataclass
class IntakeContext:
    settings: IntakeSettings
    store: IntakeStore
    privacy: Privacy
    danger_rules: Rules[DangerTerms]
    relay: OutboxRelay
    clock: Clock = field(default_factory=SystemClock)
    monotonic: Callable[[], float] = time.monotonic
    # Set by app.py once the workers exist: wake them when there is work.
    wake_callbacks: Callable[[], None] = _nothing
    wake_snapshots: Callable[[], None] = _nothing

    def __post_init__(self) -> None:
        s = self.settings
        self.acceptor = Acceptor(self.store, self.privacy, self.danger_rules, s.tracking_prefix,
                                 s.public_base_url, snapshot_urls=s.evidence_snapshot,
                                 on_stored=lambda doc_id, items: self.relay.staged(self.store.reports, doc_id, items))
        self.registry = PlatformRegistry(self.store.platforms, self.privacy)
        self.ip_limiter = TokenBucketLimiter(s.rate_ip_per_minute, s.rate_ip_burst, self.monotonic)
        self.read_limiter = TokenBucketLimiter(s.rate_ip_reads_per_minute, s.rate_ip_reads_burst, self.monotonic)
        self.platform_limiter = TokenBucketLimiter(s.rate_platform_per_minute, s.rate_platform_burst, self.monotonic)
        self.trust = TrustPolicy(s.trusted_min_reports, s.trusted_min_valid_ratio)
        self.scoring = PointsPolicy(s.points_per_report, s.points_per_valid, s.points_per_accepted, s.points_per_invalid)

    def accepted(self) -> None:
        """A report was stored (the relay has its event already): snapshot its URLs now."""
        if self.settings.evidence_snapshot:
            self.wake_snapshots()


def get_context(request: Request) -> IntakeContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


Ctx = Annotated[IntakeContext, Depends(get_context)]

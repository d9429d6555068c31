"""What intake's routes and handlers share, built once in app.py."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from libs.common.outbox import OutboxRelay
from libs.common.privacy import Privacy
from services.intake.danger import DangerTerms
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore


@dataclass
class IntakeContext:
    settings: IntakeSettings
    store: IntakeStore
    privacy: Privacy
    danger_terms: DangerTerms
    relay: OutboxRelay

    def accept_kwargs(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "privacy": self.privacy,
            "danger_terms": self.danger_terms,
            "tracking_prefix": self.settings.tracking_prefix,
            "base_url": self.settings.public_base_url,
        }

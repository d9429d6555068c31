"""What rumor's routes share, built once in app.py and reached through `Depends`."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from libs.common.clock import Clock
from services.rumor.publishing.editorial import Editorial
from services.rumor.publishing.matrix import Endpoint, MediaMatrix
from services.rumor.delivery.store import MediaStore
from services.rumor.settings import RumorSettings


@dataclass
class Site:
    """The center's own website channel: the rebuttal pages and their feed."""

    name: str
    base_url: str
    store: MediaStore
    clock: Clock

    @property
    def home(self) -> str:
        return f"{self.base_url.rstrip('/')}/rebuttals/"

    @property
    def feed_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/rebuttals/feed.atom"


@dataclass
class RumorContext:
    settings: RumorSettings
    editorial: Editorial
    matrix: MediaMatrix
    endpoints: Mapping[str, Endpoint]
    site: Site


def get_context(request: Request) -> RumorContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


Ctx = Annotated[RumorContext, Depends(get_context)]

"""The platform registry at run time: seeded from rules/platforms.yaml, read from MongoDB.

Secrets come from the environment variables the file names (or, for local runs only, are
derived from NETREPORT_SECRET_KEY) and are stored sealed (AES-GCM, libs.common.privacy),
never in clear, in the database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from libs.common.logs import get_logger
from libs.common.privacy import Privacy
from services.intake.platforms import PlatformSpec, resolve_secret
from services.intake.sealed import PLATFORM_SECRET
from services.intake.store.platforms import PlatformStore

log = get_logger(__name__)


@dataclass(frozen=True)
class ActivePlatform:
    id: str
    name: str
    secret: str
    callback_url: str | None


class PlatformRegistry:
    def __init__(self, store: PlatformStore, privacy: Privacy) -> None:
        self.store = store
        self.privacy = privacy

    async def seed(self, specs: list[PlatformSpec], *, environ: Mapping[str, str], dev_master: str | None,
                   now: datetime) -> int:
        """The file is the source of truth for the platforms it lists; returns how many can sign."""
        usable = 0
        for spec in specs:
            secret, source = resolve_secret(spec, environ, dev_master)
            if secret is None and spec.active:
                log.warning("platform_secret_missing", platform_id=spec.id, env=spec.secret_env)
            usable += secret is not None and spec.active
            await self.store.upsert(platform_id=spec.id, now=now, fields={
                "name": spec.name, "active": spec.active, "callback_url": spec.callback_url,
                "secret_env": spec.secret_env, "secret_source": source,
                "secret_sealed": self.privacy.seal({"secret": secret}, purpose=PLATFORM_SECRET, doc_id=spec.id) if secret else None,
            })
        # A platform taken out of the file is out: its secret no longer signs anything.
        dropped = await self.store.deactivate_all_but(platform_ids=[spec.id for spec in specs], now=now)
        if dropped:
            log.warning("platforms_deactivated", count=dropped, reason="no longer in the platforms file")
        log.info("platforms_seeded", platforms=len(specs), usable=usable)
        return usable

    async def active(self, platform_id: str) -> ActivePlatform | None:
        """None for an unknown platform, an inactive one, or one without a secret."""
        doc = await self.store.get(platform_id=platform_id)
        if doc is None or not doc.get("active") or not doc.get("secret_sealed"):
            return None
        secret = str(self.privacy.unseal(doc["secret_sealed"], purpose=PLATFORM_SECRET, doc_id=doc["_id"])["secret"])
        return ActivePlatform(doc["_id"], doc.get("name", ""), secret, doc.get("callback_url"))

"""Intake's only way to MongoDB: one store per collection family, under one facade.

There are no transactions locally (mongo-java-server), so every change is one atomic
single-document write and idempotency rests on unique keys.
"""
from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.intake.store.callbacks import CallbackStore
from services.intake.store.platforms import PlatformStore
from services.intake.store.reports import ReportStore, token_hash
from services.intake.store.snapshots import SnapshotStore
from services.intake.store.volunteers import VolunteerStore

__all__ = ["IntakeStore", "token_hash"]


class IntakeStore(ReportStore):
    """Reports (the outbox collection the relay reads), plus the other collections."""

    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db)
        self.db = db
        self.platforms = PlatformStore(db)
        self.volunteers = VolunteerStore(db)
        self.callbacks = CallbackStore(db)
        self.snapshots = SnapshotStore(db)

    async def create_indexes(self) -> None:
        await super().create_indexes()
        await self.platforms.create_indexes()
        await self.callbacks.create_indexes()
        await self.snapshots.create_indexes()

"""Registered volunteers (网络举报志愿者): name and contact sealed, a token hash, no counts
(counts are derived from the reports, see ReportStore.volunteer_counts)."""
from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase


class VolunteerStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.volunteers = db["volunteers"]

    async def create(self, *, doc: dict[str, Any]) -> None:
        await self.volunteers.insert_one(doc)

    async def get(self, *, volunteer_id: str) -> dict[str, Any] | None:
        return await self.volunteers.find_one({"_id": volunteer_id})

    async def all(self) -> list[dict[str, Any]]:
        fields = {"display_name": 1, "region": 1, "active": 1}
        return await self.volunteers.find({}, fields).sort("_id", ASCENDING).to_list()

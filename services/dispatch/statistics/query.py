"""The statistics' only reads of MongoDB: dispatch's own `cases` and `rebuttals` collections."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.dispatch.casefile import OPEN_STATUSES
from services.dispatch.statistics.period import Period

# What the statistics and the census read; never the summary text or reporter pseudonyms.
FIELDS = {"category": 1, "severity": 1, "status": 1, "department_code": 1, "department_name": 1,
          "opened_at": 1, "closed_at": 1, "deadline_at": 1, "reminder_at": 1, "escalated_to": 1, "escalated_at": 1,
          "reports.submitted_at": 1, "reports.channel": 1}


async def cases_for(cases: AsyncCollection, period: Period) -> list[dict[str, Any]]:
    """Every case a figure of the period can depend on: opened, closed or reported in it,
    or still open at its end."""
    start, end = period.start, period.end
    query = {"$or": [
        {"opened_at": {"$gte": start, "$lt": end}},
        {"closed_at": {"$gte": start, "$lt": end}},
        {"reports.submitted_at": {"$gte": start, "$lt": end}},
        {"opened_at": {"$lt": end}, "status": {"$in": list(OPEN_STATUSES)}},
        {"opened_at": {"$lt": end}, "closed_at": {"$gte": end}},
    ]}
    return [doc async for doc in cases.find(query, FIELDS)]


async def census_cases(cases: AsyncCollection, closed_since: datetime) -> list[dict[str, Any]]:
    """Open cases and those closed since `closed_since`, for the census gauges."""
    query = {"$or": [{"status": {"$in": list(OPEN_STATUSES)}}, {"closed_at": {"$gte": closed_since}}]}
    return [doc async for doc in cases.find(query, FIELDS)]


async def rebuttals_in(rebuttals: AsyncCollection, period: Period) -> int:
    """Claims whose first rebuttal was published in the period (recorded from rumors.events)."""
    return await rebuttals.count_documents({"published_at": {"$gte": period.start, "$lt": period.end}})

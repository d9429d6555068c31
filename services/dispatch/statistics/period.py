"""Pure: the time window a report covers, in the center's local time zone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

Kind = Literal["daily", "monthly", "shift"]  # shift: a duty shift's handover log
DAILY_DUE = time(15, 0)  # 网情报送: yesterday's report is due before 15:00
# Reports cover the years a center can have cases in; outside them a period is refused
# (a far date would overflow the database's and the calendar's arithmetic).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is outside {FIRST_YEAR}-{LAST_YEAR}")


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Kind
    label: str  # 2026-05-01 or 2026-05
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware
    timezone: str
    due_at: datetime | None = None


def daily(day: date, tz: ZoneInfo) -> Period:
    """One local calendar day; the report on it is due at 15:00 the day after."""
    _check_year(day.year)
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return Period(kind="daily", label=day.isoformat(), start=start, end=end, timezone=str(tz),
                  due_at=datetime.combine(day + timedelta(days=1), DAILY_DUE, tz))


def shift(label: str, start: datetime, end: datetime, tz: ZoneInfo) -> Period:
    """A duty shift (the handover log's window)."""
    _check_year(start.year)
    return Period(kind="shift", label=label, start=start, end=end, timezone=str(tz))


def monthly(year: int, month: int, tz: ZoneInfo) -> Period:
    _check_year(year)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return Period(kind="monthly", label=f"{year:04d}-{month:02d}", start=start, end=end, timezone=str(tz))


def parse_month(text: str) -> tuple[int, int]:
    """`2026-05` (or a full date, whose month is taken)."""
    parts = text.split("-")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return year, month


def yesterday(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date() - timedelta(days=1)


def previous_month(now: datetime, tz: ZoneInfo) -> tuple[int, int]:
    last = now.astimezone(tz).date().replace(day=1) - timedelta(days=1)
    return last.year, last.month

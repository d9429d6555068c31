"""Reports upward from the command line, read from dispatch's database (MONGO_URI etc.):

    python -m services.dispatch.statistics daily --date 2026-05-01 --format csv
    python -m services.dispatch.statistics monthly --date 2026-05 --format json
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from libs.common.clock import SystemClock
from libs.common.db import database, make_client
from services.dispatch.deadlines import load_deadline_policy
from services.dispatch.settings import DispatchSettings
from services.dispatch.statistics.compute import summarize
from services.dispatch.statistics.period import Period, daily, monthly, parse_month, previous_month, yesterday
from services.dispatch.statistics.query import cases_for, rebuttals_in
from services.dispatch.statistics.render import to_csv


def period_of(kind: str, text: str | None, settings: DispatchSettings) -> Period:
    tz, now = load_deadline_policy(settings.deadlines_file).tz, SystemClock().now()
    if kind == "daily":
        return daily(date.fromisoformat(text) if text else yesterday(now, tz), tz)
    year, month = parse_month(text) if text else previous_month(now, tz)
    return monthly(year, month, tz)


async def render(kind: str, text: str | None, fmt: str, settings: DispatchSettings) -> str:
    period = period_of(kind, text, settings)
    client = make_client(settings)
    try:
        db = database(client, settings)
        cases = await cases_for(db["cases"], period)
        rebutted = await rebuttals_in(db["rebuttals"], period)
    finally:
        await client.close()
    stats = summarize(cases, period, SystemClock().now(), rumors_rebutted=rebutted)
    return to_csv(stats) if fmt == "csv" else stats.model_dump_json(indent=2) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.dispatch.statistics", description="日报 / 月报 (网情报送)")
    parser.add_argument("kind", choices=["daily", "monthly"])
    parser.add_argument("--date", help="daily: YYYY-MM-DD (default yesterday); monthly: YYYY-MM (default last month)")
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    args = parser.parse_args(argv)
    try:
        text = asyncio.run(render(args.kind, args.date, args.format, DispatchSettings()))
    except ValueError as exc:
        parser.error(str(exc))
    sys.stdout.write(text)


if __name__ == "__main__":
    main()

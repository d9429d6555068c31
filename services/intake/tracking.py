"""Tracking numbers (受理编号): short, readable over the phone, unique.

The sequence comes from the database (`find_one_and_update` with $inc, reading the value
BEFORE the update: INFRA.md shows AFTER can hand two callers the same number).
"""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def format_tracking_no(prefix: str, day: datetime, sequence: int) -> str:
    return f"{prefix}-{day.astimezone(CHINA):%Y%m%d}-{sequence:06d}"


def day_key(day: datetime) -> str:
    return f"{day.astimezone(CHINA):%Y%m%d}"


def new_status_token() -> str:
    return secrets.token_urlsafe(18)


def report_id_for(tracking_no: str) -> str:
    """A report's id, derived from its number: unique as the number is, and a look-up by
    number is a read by `_id` (no secondary index on any database). Not a secret: the status
    token guards the status page."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"netreport:report:{tracking_no}").hex

"""谣言预警: a claim that gathers reports fast raises one alert per window.

Pure: the service passes the claim's report times, the time now (from its clock) and when
the claim last alerted; it publishes a `rumors.events` alert when this says so and records
the time with `claims.mark_alerted`.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from services.rumor.params import AlertParams


def reports_in_window(timestamps: Iterable[datetime], now: datetime, params: AlertParams) -> int:
    """Reports in the window (now - window, now]; later ones (clock skew) do not count."""
    start = now - timedelta(minutes=params.window_minutes)
    return sum(1 for t in timestamps if start < t <= now)


def should_alert(timestamps: Iterable[datetime], now: datetime, params: AlertParams, *,
                 last_alerted_at: datetime | None = None) -> bool:
    """At least `min_reports` reports within the window, and no alert for this claim within it.

    Once alerted, the claim stays quiet for one window; if reports keep coming fast it alerts
    again after that, so a rumor that keeps spreading is raised again, not forgotten.
    """
    window = timedelta(minutes=params.window_minutes)
    if last_alerted_at is not None and now - last_alerted_at < window:
        return False
    return reports_in_window(timestamps, now, params) >= params.min_reports

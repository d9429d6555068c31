"""谣言预警: fast-gathering claims alert once per window."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.rumor.alerts import reports_in_window, should_alert
from services.rumor.params import AlertParams

from .conftest import T0

FIVE_IN_AN_HOUR = AlertParams(min_reports=5, window_minutes=60)


def times(*minutes: float):
    return [T0 + timedelta(minutes=m) for m in minutes]


def replay(stamps, params):
    """Feed reports one at a time, as the service does; return when alerts fired."""
    fired, last = [], None
    for i, now in enumerate(stamps):
        if should_alert(stamps[:i + 1], now, params, last_alerted_at=last):
            fired.append(now)
            last = now
    return fired


def test_alert_fires_once_when_claim_gathers_reports_fast():
    stamps = times(0, 5, 10, 15, 20, 25, 30, 35)
    assert replay(stamps, FIVE_IN_AN_HOUR) == [T0 + timedelta(minutes=20)]


def test_no_alert_when_reports_trickle_in():
    assert replay(times(0, 30, 61, 95, 130, 170), FIVE_IN_AN_HOUR) == []


def test_alert_fires_again_after_the_window_if_the_rumor_keeps_spreading():
    stamps = times(*range(0, 150, 5))
    fired = replay(stamps, FIVE_IN_AN_HOUR)
    assert fired[:2] == times(20, 80)


def test_reports_after_now_do_not_count():
    assert reports_in_window(times(-10, 0, 10), T0, FIVE_IN_AN_HOUR) == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=600), max_size=40), st.integers(1, 8), st.integers(1, 120))
def test_alerts_never_come_closer_than_one_window(minutes, min_reports, window):
    params = AlertParams(min_reports=min_reports, window_minutes=window)
    fired = replay(sorted(times(*minutes)), params)
    assert all(b - a >= timedelta(minutes=window) for a, b in zip(fired, fired[1:]))
    assert len(fired) <= len(minutes) // min_reports

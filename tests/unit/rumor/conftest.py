"""Shared builders for the rumor clustering tests."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

import pytest

from services.rumor.clustering.in_memory import cluster_reports
from services.rumor.params import RumorParams, default_params
from services.rumor.clustering.reports import LabelledReport, RumorReport

DATA = Path(__file__).with_name("data")
T0 = datetime(2027, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture(scope="session")
def params() -> RumorParams:
    return default_params()


def build_report(report_id: str, text: str, *, location: str | None = None, url: str | None = None,
                 account: str | None = None, minutes: float = 0) -> RumorReport:
    return RumorReport(id=report_id, text=text, location=location, target_account=account,
                       target_urls=(url,) if url else (), reported_at=T0 + timedelta(minutes=minutes))


def claims_of(texts: list[str], params: RumorParams, location: str | None | list[str | None] = None) -> list[str]:
    """The claim each text ends in, clustered in order 10 minutes apart; `location` is every
    report's address, or one per text."""
    locations = location if isinstance(location, list) else [location] * len(texts)
    reports = [build_report(f"c-{i}", text, location=where, minutes=10 * i)
               for i, (text, where) in enumerate(zip(texts, locations, strict=True))]
    return [profile.claim_id for _, _, profile in cluster_reports(reports, params)]


@pytest.fixture
def make_report() -> Iterator[object]:
    """make_report(text, location=None, url=None, account=None, minutes=None): numbered, 10 min apart."""
    ids = count(1)

    def make(text: str, *, location: str | None = None, url: str | None = None,
             account: str | None = None, minutes: float | None = None) -> RumorReport:
        n = next(ids)
        return build_report(f"r-{n:03d}", text, location=location, url=url, account=account,
                            minutes=n * 10 if minutes is None else minutes)

    yield make


def labelled(name: str) -> list[LabelledReport]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [LabelledReport.model_validate_json(line) for line in lines if line.strip()]

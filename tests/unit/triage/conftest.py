"""Triage unit fixtures: the shipped rules, loaded once, and a report builder."""
from __future__ import annotations

from typing import Any

import pytest

from libs.common.events import ReportContent
from services.triage.rules import TriageRules, load_rules


@pytest.fixture(scope="session")
def rules() -> TriageRules:
    return load_rules()


def make_report(text: str, **fields: Any) -> ReportContent:
    return ReportContent(report_id="r-test", tracking_no="T-test", channel=fields.pop("channel", "web"),
                         text=text, **fields)

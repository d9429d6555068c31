"""Shared fixtures for the dispatch domain tests: the real directory and policies, loaded once."""
from __future__ import annotations

import pytest

from services.dispatch.deadlines import DeadlinePolicy, load_deadline_policy
from services.dispatch.directory import Directory, load_directory
from services.dispatch.routing import RoutingPolicy, load_routing_policy


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load_directory()


@pytest.fixture(scope="session")
def routing_policy() -> RoutingPolicy:
    return load_routing_policy()


@pytest.fixture(scope="session")
def deadline_policy() -> DeadlinePolicy:
    return load_deadline_policy()


@pytest.fixture(scope="session")
def platforms():
    from services.dispatch.takedown.platforms import load_platforms
    return load_platforms()


@pytest.fixture
def make_triaged():
    """A triaged report as dispatch receives it, with sensible defaults."""
    from libs.common.events import CaseRef, ReportContent, ReportTriaged, TriageDecision

    def _make(text="网站发布低俗视频", *, case_id="case-1", report_id="r-1", category="vulgar", severity="general",
              zone=None, location="南宁市青秀区新竹街道", urls=(), reporter_pid="rp-1", is_new=True):
        report = ReportContent(report_id=report_id, tracking_no=f"T-{report_id}", channel="web", text=text,
                               location=location, target_urls=list(urls), reporter_pid=reporter_pid)
        decision = TriageDecision(category=category, zone=zone, severity=severity)
        return ReportTriaged(report=report, decision=decision, case=CaseRef(case_id=case_id, is_new=is_new))
    return _make


@pytest.fixture
def make_case(directory, routing_policy, deadline_policy, platforms, make_triaged):
    """A stored case document as dispatch makes it (casefile.new_case), at a fixed time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from services.dispatch.casefile import new_case
    from services.dispatch.decide import decide_dispatch

    def _make(now=None, **kwargs):
        now = now or datetime(2025, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
        triaged = make_triaged(**kwargs)
        decision = decide_dispatch(triaged.report, triaged.decision, now=now, directory=directory,
                                   routing=routing_policy, deadlines=deadline_policy, platforms=platforms)
        return new_case(triaged, decision, now)
    return _make

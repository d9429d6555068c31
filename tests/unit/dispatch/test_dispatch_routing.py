"""Routing by the graded handling policy (分级处置), transfers and re-routing."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from libs.common.events import ReportContent, TriageDecision
from services.dispatch.decide import decide_dispatch
from services.dispatch.directory.places import resolve_place
from services.dispatch.routing import reroute, route


@pytest.fixture
def routed(directory, routing_policy):
    def _route(location, category="other", severity="general", zone=None, valid=True):
        placement = resolve_place(location, None, directory)
        decision = TriageDecision(category=category, zone=zone, severity=severity, valid=valid)
        return route(placement, decision, directory=directory, policy=routing_policy)
    return _route


def test_general_case_in_a_street_goes_to_that_streets_office(routed):
    result = routed("南宁市青秀区新竹街道", category="vulgar")
    assert result.department.code == "nn-qingxiu-001-office"
    assert result.department.kind == "township_office"
    assert result.division.path == ["南宁市", "青秀区", "新竹街道"]


def test_general_case_in_a_community_goes_to_its_streets_office(routed):
    assert routed("兴宁区民生街道望仙坡社区").department.code == "nn-xingning-001-office"


def test_general_case_placed_only_in_a_county_goes_to_the_county_cac(routed):
    assert routed("宾阳县").department.code == "nn-binyang-cac"


def test_general_case_in_a_development_zone_goes_to_the_zones_office(routed):
    assert routed("南宁高新区").department.code == "nn-gaoxin-cac"


def test_general_case_with_unknown_place_goes_to_the_city_department_concerned(routed):
    assert routed(None, category="vulgar").department.code == "nn-city-culture"
    assert routed(None, category="rumor").department.code == "nn-city-cac"


@pytest.mark.parametrize("category, kind", [
    ("fraud", "police"), ("gambling", "police"), ("terror_violence", "police"),
    ("vulgar", "culture"), ("pornography", "culture"),
])
def test_important_case_goes_to_the_city_industry_department(routed, category, kind):
    result = routed("青秀区", category=category, severity="important")
    assert result.department.kind == kind
    assert result.department.code == f"nn-city-{kind}"


def test_important_enterprise_infringement_goes_to_market_regulation(routed):
    result = routed("兴宁区", category="rumor", severity="important",
                    zone="enterprise_infringement")
    assert result.department.code == "nn-city-market"


def test_important_pornography_goes_to_culture_with_police(routed):
    result = routed("江南区", category="pornography", severity="important")
    assert result.department.kind == "culture"
    assert [d.code for d in result.co_departments] == ["nn-city-police"]


@pytest.mark.parametrize("category", ["rumor", "infringement", "other"])
def test_important_case_without_industry_department_goes_to_the_county_cac(routed, category):
    assert routed("横州市六景镇", category=category, severity="important").department.code \
        == "nn-hengzhou-cac"


def test_important_case_without_industry_department_in_a_zone_goes_to_the_zone_cac(routed):
    assert routed("东盟经开区", category="rumor", severity="important").department.code \
        == "nn-dongmeng-cac"


def test_important_case_without_industry_department_and_no_place_goes_to_city_cac(routed):
    assert routed(None, category="rumor", severity="important").department.code == "nn-city-cac"


@pytest.mark.parametrize("severity", ["difficult", "emergency"])
def test_difficult_and_emergency_cases_go_to_the_emergency_center(routed, severity):
    result = routed("青秀区", category="rumor", severity=severity)
    assert result.department.code == "nn-city-emergency"
    assert result.department.kind == "emergency_center"
    assert not result.upward_report


def test_major_case_goes_to_leadership_with_an_upward_report(routed):
    result = routed("青秀区", category="terror_violence", severity="major")
    assert result.department.kind == "leadership"
    assert result.upward_report
    assert [d.code for d in result.co_departments] == ["nn-city-police"]


def test_invalid_report_is_not_routed(routed):
    result = routed("青秀区", category="other", valid=False)
    assert not result.routed and result.department is None
    assert result.division.name == "青秀区"


def test_case_from_another_city_is_transferred_by_the_report_center(routed):
    result = routed("宿迁市宿城区", category="fraud", severity="important")
    assert result.transfer_to == "宿迁市"
    assert result.department.kind == "report_center"
    assert result.transfer_center == "宿迁市互联网违法和不良信息举报中心"


def test_case_rejected_once_goes_to_the_next_in_line(routed, directory, routing_policy):
    first = routed("青秀区新竹街道")
    second = reroute(first, {first.department.code}, directory=directory, policy=routing_policy)
    assert second.department.code == "nn-qingxiu-cac"
    assert second.rejected_by == ["nn-qingxiu-001-office"] and not second.needs_human


def test_case_rejected_twice_goes_to_emergency_center(routed, directory, routing_policy):
    first = routed("青秀区新竹街道")
    second = reroute(first, {first.department.code}, directory=directory, policy=routing_policy)
    third = reroute(second, {second.department.code}, directory=directory, policy=routing_policy)
    assert third.department.code == "nn-city-emergency"
    assert third.needs_human
    assert third.rejected_by == ["nn-qingxiu-001-office", "nn-qingxiu-cac"]


def test_important_case_rejected_by_city_police_goes_to_the_county_police(
        routed, directory, routing_policy):
    first = routed("宾阳县黎塘镇", category="fraud", severity="important")
    second = reroute(first, {"nn-city-police"}, directory=directory, policy=routing_policy)
    assert second.department.code == "nn-binyang-police"


def test_case_the_emergency_center_rejects_goes_to_the_leadership(
        routed, directory, routing_policy):
    first = routed("青秀区", severity="difficult")
    second = reroute(first, {"nn-city-emergency"}, directory=directory, policy=routing_policy)
    assert second.department.kind == "leadership" and second.needs_human


def test_rerouting_an_invalid_report_changes_nothing(routed, directory, routing_policy):
    first = routed("青秀区", valid=False)
    assert reroute(first, {"x"}, directory=directory, policy=routing_policy).department is None


def test_decide_dispatch_places_routes_and_sets_the_deadline(directory, routing_policy,
                                                            deadline_policy):
    report = ReportContent(report_id="r1", tracking_no="T1", channel="web", text="刷单",
                           location="宾阳县黎塘镇")
    decision = TriageDecision(category="fraud", severity="important")
    now = datetime(2025, 3, 7, 2, 0, tzinfo=UTC)
    result = decide_dispatch(report, decision, now=now, directory=directory,
                             routing=routing_policy, deadlines=deadline_policy)
    assert result.route.department.code == "nn-city-police"
    assert result.placement.division.name == "黎塘镇"
    assert result.deadline_at == datetime(2025, 3, 8, 2, 0, tzinfo=UTC)
    assert result.reminder_at == datetime(2025, 3, 7, 20, 0, tzinfo=UTC)

"""A claim whose reports say 全市/全城 outright is a city-wide story; a report whose words tell
of one district alone is that district's own story of the same kind. A claim whose reports only
name the city is not city-wide: a report naming the district refines it. (Texts written for
these tests.)"""
from __future__ import annotations

from services.rumor.clustering.claims import assign, new_claim, score
from services.rumor.clustering.features import featurize

from .conftest import build_report, claims_of


def test_a_district_water_cut_stays_apart_from_a_city_wide_one(params):
    city, city_again, district = claims_of([
        "南宁全市明天停水两天，自来水公司要换总管，赶紧存水",
        "全市都要停水两天？水厂那边说什么了没有",
        "江南区明天停水两天，说是管道爆了在抢修",
    ], params)
    assert city == city_again and district != city


def test_the_city_wide_claim_says_why_the_district_report_stayed_apart(params):
    claim = new_claim(build_report("a", "柳州全城中小学下周停课，防流感"), params)
    report = build_report("b", "柳南区中小学下周停课防流感？", minutes=10)
    assert assign(report, [claim], params).is_new
    [reason] = [r for r in score(featurize(report, params), claim, params).reasons
                if r.rule == "rumor.place.city_words_conflict"]
    assert reason.score == -params.join.city_words_conflict_penalty


def test_a_district_named_under_a_claim_that_only_names_the_city_joins(params):
    # "柳州一家商场着火" names the city, not the whole city: the district report says where.
    first, second, district = claims_of([
        "柳州一家商场着火了，浓烟好大，好多人往外跑",
        "柳州商场起火是真的吗？视频里烟好大",
        "柳南区那个商场着火了，浓烟好大，人都跑出来了",
    ], params)
    assert first == second == district


def test_a_reporter_naming_city_and_district_still_joins_the_city_wide_claim(params):
    city, reporter = claims_of([
        "南宁全市明天停水两天，自来水公司要换总管，赶紧存水",
        "南宁明天全市停水两天？我们青秀区这边也收到通知了",
    ], params)
    assert city == reporter


def test_a_reporter_asking_from_their_district_still_joins_the_city_wide_claim(params):
    city, asking = claims_of([
        "南宁全市明天停水两天，自来水公司要换总管，赶紧存水",
        "我们江南区这边也说明天停水两天，要不要存水啊",
    ], params)
    assert city == asking

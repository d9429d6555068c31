"""Look-alike rumors in ONE city: reports of different events stay apart when they state one
fact differently (school, township, line, day, thing), and a reworded report of the same
rumor, with numbers or without, still joins. (Texts written for these tests; the evaluation
sets are never read line by line.)"""
from __future__ import annotations

from services.rumor.clustering.claims import assign, new_claim, score
from services.rumor.clustering.features import featurize

from .conftest import build_report, claims_of


def test_the_same_scare_at_two_named_schools_is_two_claims(params):
    a1, b1, a2, b2 = claims_of([
        "凤溪小学中午好多学生吃完饭肚子痛，说是食物中毒进了医院",
        "听说桂苑小学一堆孩子午饭后上吐下泻，是食物中毒吗",
        "凤溪小学食物中毒？孩子们现在怎么样",
        "桂苑小学学生集体中毒是真的吗",
    ], params, location="南宁市西乡塘区")
    assert a1 == a2 and b1 == b2 and a1 != b1


def test_water_cuts_in_two_townships_of_one_district_are_two_claims(params):
    a1, b1, a2 = claims_of([
        "苏圩镇后天全镇停水一天，水厂检修，大家提前接水",
        "那洪街道这周末停水，物业发了通知",
        "苏圩镇停水的事是真的吗，镇上的店都在囤水",
    ], params, location="南宁市江南区")
    assert a1 == a2 and a1 != b1


def test_closures_of_two_metro_lines_are_two_claims_and_a_line_written_in_words_joins(params):
    one, four, one_again = claims_of([
        "地铁2号线明天停运一整天，说是设备检修",
        "地铁4号线下周停运十天，站里贴了通知",
        "二号线要停一天？地铁公司怎么没发通知",
    ], params, "南宁市")
    assert one == one_again and one != four


def test_one_route_cancelled_and_every_line_stopped_are_two_claims(params):
    # bench/tuning: "所有公交线路停运" named no line, so a city-wide strike joined 10路's story
    route, again, strike, strike_again = claims_of([
        "15路公交下个月起停运，线路取消了，坐这路车的注意",
        "听说15路公交要撤掉？我每天都坐",
        "全市公交司机后天罢工，所有公交线路停运",
        "公交集团说全市公交正常运营，罢工停运是谣言",
    ], params, "南宁市")
    assert route == again and strike == strike_again and route != strike


def test_two_notices_for_two_days_are_two_claims(params):
    fifth, twelfth, fifth_again = claims_of([
        "青秀区7号全天停电，说是更换变压器",
        "青秀区12号晚上停电检修线路，停一整夜",
        "七月七日青秀停电的通知是供电局发的吗",
    ], params, location="南宁市青秀区")
    assert fifth == fifth_again and fifth != twelfth


def test_a_fare_rise_for_another_kind_of_transport_is_another_claim(params):
    metro, taxi = claims_of([
        "南宁地铁下个月票价上涨，起步价变五块",
        "南宁出租车起步价要涨到十五块，下周执行",
    ], params, "南宁市")
    assert metro != taxi


def test_a_report_with_numbers_joins_the_same_rumor_told_without(params):
    first, second = claims_of([
        "南宁燃气费要涨价了，燃气公司都没发通知",
        "听说南宁燃气下个月涨百分之三十，每方涨到3块9，是不是真的",
    ], params, "南宁市")
    assert first == second


def test_a_short_district_name_shared_with_another_city_is_read_in_the_claims_city(params):
    # 兴宁 is 南宁's 兴宁区 and 梅州's 兴宁市: beside a 南宁 claim about 青秀区 it names a rival district.
    qingxiu = new_claim(build_report("a", "青秀区明天停电一整天，说是线路检修", location="南宁市青秀区"), params)
    decision = assign(build_report("b", "兴宁这边明天停电一整天？", minutes=10), [qingxiu], params)
    assert decision.is_new


def test_why_a_report_stayed_apart_is_a_reason_the_operator_can_read(params):
    claim = new_claim(build_report("a", "地铁2号线明天全线停运", location="南宁市"), params)
    report = build_report("b", "地铁4号线明天全线停运", location="南宁市", minutes=10)
    assert assign(report, [claim], params).is_new
    reasons = score(featurize(report, params), claim, params).reasons
    [line] = [r for r in reasons if r.rule == "rumor.fact.line_conflict"]
    assert line.score == -params.join.line_conflict_penalty and {"2", "4"} <= set(line.terms)

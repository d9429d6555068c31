"""A place told by a bridge, a landmark or a township: placed in its district, or refused as one."""
from __future__ import annotations

import pytest

from services.rumor.clustering.claims import assign, new_claim
from services.rumor.clustering.features import content_text, gazetteer_for, places_of
from services.rumor.clustering.normalize import normalize_text
from services.rumor.clustering.places import extract_places
from services.rumor.clustering.segmentation import segment
from services.rumor.params import PlaceParams
from tests.unit.rumor.test_rumor_clustering import claims_of


@pytest.fixture(scope="module")
def gaz():
    return gazetteer_for(PlaceParams())


def districts(gaz, text, **kw):
    norm = normalize_text(text)
    places, _ = extract_places(norm, gaz, words=segment(norm), **kw)
    return {gaz.label(c) for c in places.districts}


def test_a_bridge_named_after_a_county_is_in_that_county(gaz):
    # Streets are named after faraway places (北京路); a bridge after where it stands.
    assert districts(gaz, "上林桥昨晚被洪水冲断了，车都过不去", location="南宁市") == {"上林县"}


def test_a_bridge_story_told_by_the_county_or_by_its_bridge_is_one_claim(make_report, params):
    reports = [
        make_report("上林县有座桥昨晚被大水冲垮了，好几辆车掉进河里", location="南宁市"),
        make_report("听说上林桥被洪水冲断，几辆车掉河里了，真的假的", location="南宁市"),
    ]
    assert len(set(claims_of(reports, params))) == 1


def test_a_landmark_places_the_report_in_its_district(gaz):
    # libs/common/places/landmarks.yaml: 五象湖 is in 良庆区, 朝阳广场 in a township of 兴宁区
    assert districts(gaz, "五象湖边有人钓上来一条鳄鱼", location="南宁市") == {"良庆区"}
    assert districts(gaz, "朝阳广场今晚要封起来搞演习") == {"兴宁区"}


def test_a_landmark_other_cities_also_have_stays_unplaced_in_another_city(gaz):
    # 会展中心 is listed for 南宁; a 柳州 reporter's 会展中心 is 柳州's
    assert districts(gaz, "会展中心今晚着火了，烟好大", location="柳州市") == set()


def test_a_rumor_told_by_its_district_and_by_its_landmark_alone_is_one_claim(make_report, params):
    reports = [
        make_report("西乡塘区有个湖里钓上来一条两米长的鳄鱼，大家这几天别去湖边散步", location="南宁市西乡塘区"),
        make_report("南宁相思湖发现鳄鱼？两米多长，有人钓上来了，真的假的", location="南宁市青秀区"),
        make_report("相思湖钓到鳄鱼的视频是真的吗，说有两米长", location="南宁市"),
    ]
    assert len(set(claims_of(reports, params))) == 1


def test_one_kind_of_story_at_landmarks_of_two_districts_is_two_claims(make_report, params):
    reports = [
        make_report("相思湖钓上来一条两米长的鳄鱼，大家别去湖边", location="南宁市"),
        make_report("五象湖钓上来一条两米长的鳄鱼，大家别去湖边", location="南宁市"),
    ]
    first, second = claims_of(reports, params)
    assert first != second


def test_a_landmark_agrees_with_its_district_where_the_reporters_live_elsewhere(make_report, params):
    # The reporter of the second lives in 江南区: without the landmark, a district conflict.
    claim = new_claim(make_report("青秀区有人在公园湖边看见一条鳄鱼，大家小心", location="南宁市青秀区"), params)
    decision = assign(make_report("南湖公园出现鳄鱼？我家老人天天去那散步", location="南宁市江南区"), [claim], params)
    rules = {reason.rule for reason in decision.reasons}
    assert decision.claim_id == claim.claim_id
    assert "rumor.place.district_agree" in rules and "rumor.place.district_conflict" not in rules


def test_a_landmark_stays_in_the_words_a_district_name_does_not():
    # A district is where many stories happen; a landmark is part of what happened.
    assert "吴圩机场" in content_text("吴圩机场要关闭三天")
    assert "江南区" not in content_text("江南区要停水三天")


def test_a_county_name_at_the_end_of_a_longer_lake_or_river_name_is_not_the_county(gaz):
    # 大龙湖 is a lake, not 汕头's 龙湖区; 白沙河 a river, not 邢台's 沙河市
    assert districts(gaz, "大龙湖昨晚淹死了两个人") == set()
    assert districts(gaz, "白沙河涨水把桥淹了") == set()


def test_the_county_name_alone_or_after_a_verb_is_still_the_county(gaz):
    assert districts(gaz, "汕头龙湖这边停水了") == {"龙湖区"}
    assert districts(gaz, "听说去龙湖那边的路封了", location="汕头市") == {"龙湖区"}


def test_a_lake_story_retold_without_its_city_joins_the_city_claim(make_report, params):
    reports = [
        make_report("徐州云龙区大龙湖昨晚有两个人游泳淹死了，大家别去野泳", location="徐州市云龙区"),
        make_report("大龙湖淹死两个人？游泳的时候出的事"),
    ]
    assert len(set(claims_of(reports, params))) == 1


def site_districts(gaz, text, **kw):
    return {gaz.label(c) for c in places_of(text, **kw).named_districts}


def test_a_township_or_a_school_named_after_it_places_the_report_in_its_county(gaz):
    # 吴圩镇 is in 江南区, 石埠街道 in 西乡塘区 (national table); the city comes from the report
    assert site_districts(gaz, "吴圩镇明天全镇停水", location="南宁市") == {"江南区"}
    assert site_districts(gaz, "石埠中学食堂的饭菜吃坏了好几个学生", location="南宁市") == {"西乡塘区"}


def test_a_township_name_is_not_placed_in_a_city_the_report_is_not_in(gaz):
    assert site_districts(gaz, "吴圩镇明天全镇停水", location="柳州市") == set()


def test_a_district_story_and_its_township_retelling_agree(make_report, params):
    claim = new_claim(make_report("江南区明天停水一整天，赶紧接水", location="南宁市江南区"), params)
    decision = assign(make_report("南宁吴圩镇明天停水？要停一整天", location="南宁市青秀区"), [claim], params)
    rules = {reason.rule for reason in decision.reasons}
    assert decision.claim_id == claim.claim_id
    assert "rumor.place.district_agree" in rules


def test_a_text_naming_one_city_tells_of_it_wherever_its_reporter_lives():
    # bench/tuning6: 北海's shark story sent from 南宁 was placed in 南宁 and joined a 马山 story
    assert places_of("北海鲨鱼咬人的视频到处在传，这下谁还敢去", location="南宁市").cities == ("450500",)


def test_a_story_of_another_city_sent_from_here_does_not_join_a_story_of_here(make_report, params):
    reports = [
        make_report("马山县白山镇有条疯狗见人就咬，咬伤了好几个人", location="南宁市马山县"),
        make_report("北海银滩有鲨鱼咬人，游客的腿都被咬伤了", location="南宁市"),
    ]
    assert len(set(claims_of(reports, params))) == 2


def test_a_township_said_bare_before_nearby_words_is_a_township():
    # bench/tuning6: "周鹿那边疯狗咬人" named no place and joined 白山镇's story
    assert places_of("周鹿那边疯狗咬死一头牛", location="南宁市").sites == ("township:周鹿",)
    assert places_of("周鹿那边疯狗咬死一头牛", location="南宁市").districts == ("450124",)  # 马山县
    # ordinary words are townships somewhere too (市场, 朝阳): not read as one
    assert places_of("市场那边着火了，朝阳那边也有人在传", location="南宁市").sites == ()


def test_one_story_in_two_townships_is_two_claims_when_one_is_said_bare(make_report, params):
    reports = [
        make_report("马山县白山镇有条疯狗见人就咬，咬伤了好几个人", location="南宁市马山县"),
        make_report("周鹿那边也有疯狗咬人？赶圩的人都被咬了", location="南宁市"),
    ]
    assert len(set(claims_of(reports, params))) == 2

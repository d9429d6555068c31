"""Where a report is about: division names found, false friends refused, places compared."""
from __future__ import annotations

import pytest

from services.rumor.clustering.features import gazetteer_for
from services.rumor.clustering.normalize import normalize_text
from services.rumor.params import PlaceParams
from services.rumor.clustering.places import ClaimPlaces, Places, compare_places, extract_places
from services.rumor.clustering.segmentation import segment


@pytest.fixture(scope="module")
def gaz():
    return gazetteer_for(PlaceParams())


def names(gaz, text, **kw):
    norm = normalize_text(text)
    places, _ = extract_places(norm, gaz, words=segment(norm), **kw)
    return {gaz.label(c) for c in places.cities}, {gaz.label(c) for c in places.districts}


def test_district_short_name_resolves_to_its_city(gaz):
    assert names(gaz, "沭阳拆迁补偿8千一平？群里都在传") == ({"宿迁市"}, {"沭阳县"})


def test_a_former_county_name_is_the_division_it_became(gaz):
    # 横县 became 横州市 in 2021; people still say 横县, and both must be one district
    assert names(gaz, "南宁横县那边说要封路") == ({"南宁市"}, {"横州市"})
    assert names(gaz, "横州市那边说要封路") == ({"南宁市"}, {"横州市"})


def test_places_the_national_table_lacks_are_still_places(gaz):
    assert gaz.label(gaz.province_of(next(h.code for h in gaz.names["香港"]))) == "香港特别行政区"


def test_xinjiang_and_pudong_are_found_by_the_names_people_write(gaz):
    assert names(gaz, "浦东这边地铁停运了")[1] == {"浦东新区"}
    assert "新疆" in gaz.names and "新疆维吾尔" not in gaz.names


def test_a_district_short_name_is_corroborated_by_its_city_named_beside_it(gaz):
    assert names(gaz, "青秀这边停水了", location="南宁市") == ({"南宁市"}, {"青秀区"})
    # A municipality is its own city: its districts are under it, whatever their codes say
    # (浦东新区 is 310115, under the table's 310100, itself under 上海市 310000).
    assert names(gaz, "浦东这边地铁停运了", location="上海市") == ({"上海市"}, {"浦东新区"})
    assert names(gaz, "上海浦东新区停水") == ({"上海市"}, {"浦东新区"})


def test_a_county_level_city_under_its_province_is_a_city(gaz):
    # 仙桃市 (429004) has no prefecture above it: no made-up 429000 city
    assert names(gaz, "仙桃这边停水了") == ({"仙桃市"}, set())


def test_a_place_name_before_words_that_are_not_roads_stays_a_place(gaz):
    assert names(gaz, "南宁道路结冰了")[0] == {"南宁市"}
    assert names(gaz, "南宁街头出现怪人")[0] == {"南宁市"}
    assert names(gaz, "柳州弄了个新规定")[0] == {"柳州市"}


def test_reporter_location_gives_city_and_district(gaz):
    assert names(gaz, "群里都在传这个消息", location="常州市武进区") == ({"常州市"}, {"武进区"})


def test_street_named_after_another_place_is_not_that_place(gaz):
    assert names(gaz, "兴宁区中山路一个小区说燃气爆炸了") == ({"南宁市"}, {"兴宁区"})
    assert names(gaz, "文昌西路那边超市货架都空了", location="扬州市邗江区") == ({"扬州市"}, {"邗江区"})
    assert names(gaz, "天津和平区成都道有人打架") == ({"天津市"}, {"和平区"})  # a Tianjin road


def test_short_name_cutting_a_word_is_not_a_place(gaz):
    # 上高 (a county in Jiangxi) inside 上高中, 道真 (Guizhou) inside 知道真假
    assert names(gaz, "初中毕业直接按成绩分流上高中") == (set(), set())
    assert names(gaz, "有没有人知道真假") == (set(), set())


def test_weak_name_of_a_rival_city_is_dropped(gaz):
    # 南湖 is a district of 嘉兴; in a 南宁 address it is a street office
    assert names(gaz, "我们这边也停吗", location="南宁市青秀区南湖街道") == ({"南宁市"}, {"青秀区"})


def test_ambiguous_district_resolves_by_the_city_named(gaz):
    assert names(gaz, "南京鼓楼区有人在传") == ({"南京市"}, {"鼓楼区"})


def test_city_nickname_is_a_place(gaz):
    assert names(gaz, "邕城热点说要停水") == ({"南宁市"}, set())


def test_traditional_characters_name_the_same_place(gaz):
    assert names(gaz, "西鄉塘區有白色麵包車") == ({"南宁市"}, {"西乡塘区"})


def test_city_most_named_wins_when_the_reporter_gives_no_address(gaz):
    assert names(gaz, "宿迁刚辟谣，扬州又冒出来一个版本，说扬州老城区也要禁")[0] == {"扬州市"}


def test_place_names_in_an_account_handle_count(gaz):
    assert names(gaz, "这个视频传得很广", account="抖音 @宿迁大小事")[0] == {"宿迁市"}


def test_city_conflict_is_a_strong_separator_and_agreement_a_small_bonus(gaz, params):
    claim = ClaimPlaces(cities={"450100": 3})
    agree = compare_places(Places(cities=("450100",)), claim, params.join, gaz)
    conflict = compare_places(Places(cities=("320400",)), claim, params.join, gaz)
    unknown = compare_places(Places(), claim, params.join, gaz)
    assert agree.score == pytest.approx(params.join.city_agree_bonus)
    assert conflict.score <= -params.join.city_conflict_penalty
    assert unknown.score == 0 and not unknown.reasons


def test_one_stray_city_does_not_define_a_claim(gaz, params):
    claim = ClaimPlaces(cities={"321000": 8, "321300": 1})  # 扬州 claim, once mentioning 宿迁
    verdict = compare_places(Places(cities=("321300",)), claim, params.join, gaz)
    assert verdict.score < 0

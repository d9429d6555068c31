"""Place resolution: address text or region code -> the most specific division, or a transfer."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.dispatch.directory.places import normalize_region_code, resolve_place


def place(directory, location, code=None):
    return resolve_place(location, code, directory)


@pytest.mark.parametrize("location, path", [
    ("南宁市兴宁区民生街道", ["南宁市", "兴宁区", "民生街道"]),
    ("广西壮族自治区南宁市青秀区新竹街道", ["南宁市", "青秀区", "新竹街道"]),
    ("横州市六景镇", ["南宁市", "横州市", "六景镇"]),
    ("宾阳县黎塘镇", ["南宁市", "宾阳县", "黎塘镇"]),
])
def test_formal_address_resolves_to_the_township(directory, location, path):
    assert place(directory, location).division.path == path


@pytest.mark.parametrize("location, county", [
    ("横州", "横州市"), ("西乡塘大学路", "西乡塘区"), ("宾阳", "宾阳县"), ("南宁青秀", "青秀区"),
    ("武鸣那边", "武鸣区"), ("良庆", "良庆区"), ("横县", "横州市"),  # 横县: the name before 2021
])
def test_colloquial_district_name_without_suffix_resolves_to_district(directory, location, county):
    result = place(directory, location)
    assert result.division.level == "county" and result.division.name == county
    assert result.in_city and result.transfer_to is None


def test_landmark_places_the_report_in_its_district(directory):
    result = place(directory, "南宁青秀万象城附近")
    assert result.division.path == ["南宁市", "青秀区"]
    assert "万象城" in result.evidence


def test_landmark_mapped_to_a_street_places_the_report_in_that_street(directory):
    assert place(directory, "朝阳广场旁边").division.path == ["南宁市", "兴宁区", "朝阳街道"]


def test_road_named_after_a_place_does_not_place_the_report_there(directory):
    assert place(directory, "青秀区新竹路").division.path == ["南宁市", "青秀区"]
    assert place(directory, "北京东路").division.code == "450100"  # a road, not Beijing


def test_a_tianjin_road_named_after_a_city_is_not_that_city(directory):
    assert place(directory, "成都道100号").transfer_to is None  # 成都道: a road, not 成都


@pytest.mark.parametrize("location, city, county", [
    ("户县", "西安市", "鄠邑区"), ("陕西户县", "西安市", "鄠邑区"), ("郫县犀浦镇", "成都市", "郫都区"),
    ("那曲地区", "那曲市", None),
])
def test_a_former_name_elsewhere_is_transferred_to_the_division_it_became(
        directory, location, city, county):
    result = place(directory, location)
    assert result.transfer_to == city
    assert result.division.name == (county or city)


def test_a_short_former_name_in_the_report_text_needs_a_word_of_place(directory):
    said = resolve_place(None, None, directory, text="户县那边有人卖假药")
    assert said.transfer_to == "西安市"
    inside_a_word = resolve_place(None, None, directory, text="他曾担任县委书记，现在在搞诈骗")
    assert inside_a_word.in_city and inside_a_word.division.code == "450100"  # not 任县


def test_the_streets_of_a_district_place_the_report_in_it(directory):
    # 街上 says "in that place's streets", not a street named after it
    result = resolve_place(None, None, directory, text="西乡塘街上有人卖假药")
    assert result.division.name == "西乡塘区"


def test_village_or_community_is_the_most_specific_division(directory):
    result = place(directory, "兴宁区民生街道望仙坡社区")
    assert result.division.level == "village"
    assert result.division.path == ["南宁市", "兴宁区", "民生街道", "望仙坡社区"]


def test_report_from_another_city_is_transferred_to_that_citys_center(directory):
    result = place(directory, "宿迁市宿城区幸福街道")
    assert not result.in_city
    assert result.transfer_to == "宿迁市"
    assert result.transfer_center == "宿迁市互联网违法和不良信息举报中心"
    assert result.division.path == ["宿迁市", "宿城区", "幸福街道"]


@pytest.mark.parametrize("location, city", [
    ("江苏宿迁泗洪县", "宿迁市"), ("柳州", "柳州市"), ("鱼峰区", "柳州市"),
    ("常州市武进区礼嘉镇", "常州市"), ("北京朝阳", "北京市"), ("湖北仙桃", "仙桃市"),
    ("东莞市长安镇", "东莞市"), ("苏州高新区", "苏州市"),
])
def test_short_or_partial_addresses_elsewhere_are_transferred_to_the_official_city(
        directory, location, city):
    assert place(directory, location).transfer_to == city


def test_generic_zone_name_alone_stays_in_the_city_but_not_with_another_city(directory):
    assert place(directory, "高新区").zone == "南宁高新技术产业开发区"
    assert place(directory, "苏州高新区").zone is None


def test_province_alone_goes_to_that_provinces_center_and_own_province_stays(directory):
    assert place(directory, "江苏").transfer_to == "江苏省"
    own = place(directory, "广西")
    assert own.in_city and own.division.code == "450100"


@pytest.mark.parametrize("location", [None, "", "   ", "我也不知道在哪", "网上", "朝阳区"])
def test_unknown_or_ambiguous_place_falls_back_to_the_city(directory, location):
    result = place(directory, location)
    assert result.division.code == "450100" and result.division.level == "city"
    assert result.in_city and result.transfer_to is None


def test_township_name_shared_by_two_counties_resolves_to_what_they_share(directory):
    assert place(directory, "城厢镇").division.code == "450100"  # 武鸣区 and 隆安县 both have one
    assert place(directory, "隆安县城厢镇").division.path == ["南宁市", "隆安县", "城厢镇"]


def test_conflicting_city_and_district_keeps_the_case_at_home(directory):
    result = place(directory, "南宁市宿城区")
    assert result.in_city and result.division.code == "450100"


@pytest.mark.parametrize("code, expected", [
    ("450103", "450103"), ("450103001", "450103001"), ("450103001000", "450103001"),
    ("450103000000", "450103"), ("4501", "450100"), ("321302", "321302"), ("abc", None),
    ("450103999", "450103"),  # unknown township: the county it belongs to
])
def test_region_code_shapes_are_normalized(directory, code, expected):
    assert normalize_region_code(code, directory) == expected


def test_region_code_places_the_report_when_there_is_no_address(directory):
    result = place(directory, None, "450181108000")
    assert result.division.path == ["南宁市", "横州市", "六景镇"]
    assert result.basis == "region_code"


def test_region_code_outweighs_a_vague_address_elsewhere(directory):
    assert place(directory, "宿迁", "450103").division.code == "450103"
    assert place(directory, None, "321302").transfer_to == "宿迁市"


def test_address_refines_a_region_code_to_a_street(directory):
    assert place(directory, "新竹街道", "450103").division.code == "450103001"


def test_full_width_and_spaced_text_is_normalized(directory):
    assert place(directory, "南宁市　青秀区 新竹街道").division.code == "450103001"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(location=st.one_of(st.none(), st.text(max_size=400)),
       code=st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"\d{2,12}", fullmatch=True)))
def test_resolve_place_never_raises_on_arbitrary_text(directory, location, code):
    result = resolve_place(location, code, directory)
    assert result.division.code in directory.nodes
    assert result.in_city == (result.transfer_to is None)


def test_every_township_of_the_city_is_found_by_its_full_address(directory):
    townships = [c for c, u in directory.units.items() if u.level == "township"]
    missed = [c for c in townships
              if place(directory, "".join(directory.division(c).path)).division.code != c]
    assert not missed


def test_a_short_form_that_is_an_ordinary_word_places_nothing(directory):
    # 城中区 (柳州) is in the table; 城中 in an address is a part of town, not that district.
    assert "城中区" in directory.gazetteer.terms and "城中" not in directory.gazetteer.terms


def test_province_short_name_is_the_province_not_a_city_of_that_name(directory):
    assert place(directory, "海南").transfer_to == "海南省"
    assert place(directory, "吉林市").transfer_to == "吉林市"

"""The one national division table and the one rule for the names a division goes by,
which dispatch and rumor both use (libs/common/places)."""
import pytest
from pydantic import ValidationError

from libs.common.places.divisions import ancestors, is_pseudo_city, is_zone, read_divisions
from libs.common.places.former import former_names
from libs.common.places.names import short_name, short_name_of
from libs.common.places.roads import names_a_road


@pytest.mark.parametrize("name, level, short", [
    ("青秀区", "county", "青秀"), ("恩施土家族苗族自治州", "city", "恩施"),
    ("古寨瑶族乡", "township", "古寨"), ("广西壮族自治区", "province", "广西"),
    ("新疆维吾尔自治区", "province", "新疆"), ("伊犁哈萨克自治州", "city", "伊犁"),
    ("内蒙古自治区", "province", "内蒙古"), ("西藏自治区", "province", "西藏"),
    ("浦东新区", "county", "浦东"), ("清新区", "county", "清新"),
    ("东乡族自治县", "county", None), ("河南省", "province", "河南"),
])
def test_short_names_drop_suffixes_and_ethnic_names(name, level, short):
    assert short_name(name, level) == short


def test_the_table_has_every_level_down_to_townships_with_parents():
    nodes = read_divisions()
    assert nodes["450103"].name == "青秀区" and nodes["450103"].parent == "450100"
    assert nodes["450181"].name == "横州市"  # renamed in 2021: the table is newer than cpca's
    assert {n.level for n in nodes.values()} == {"province", "city", "county", "township"}
    assert all(n.parent in nodes for n in nodes.values() if n.parent)


def test_a_development_zone_is_marked_and_has_no_short_form():
    nodes = read_divisions()
    zone = next(n for n in nodes.values() if n.name == "兰州新区")
    assert is_zone(zone) and short_name_of(zone) is None  # 兰州 is the city
    assert not is_zone(nodes["450103"])


def test_a_municipality_city_repeats_its_province():
    nodes = read_divisions()
    assert is_pseudo_city(nodes["110100"], nodes) and not is_pseudo_city(nodes["450100"], nodes)


def test_ancestors_follow_the_parent_column_not_the_code():
    nodes = read_divisions()
    assert ancestors("310115", nodes) == ("310115", "310100", "310000")  # 浦东新区
    assert ancestors("429004", nodes) == ("429004", "420000")  # 仙桃市, under its province
    assert ancestors("999999", nodes) == ()


def test_each_call_gives_a_fresh_table_a_caller_may_extend():
    nodes = read_divisions()
    nodes.pop("450103")
    assert "450103" in read_divisions()


@pytest.mark.parametrize("rest, road", [
    ("路口", True), ("东路", True), ("二路", True), ("大道", True), ("街", True), ("巷子", True),
    ("道100号", True),  # 成都道 in Tianjin, 北京道 in Hong Kong
    ("街道办", True),  # 南湖街道 is a street office, not 嘉兴's 南湖区
    ("道路结冰", False), ("街头出现", False), ("街上", False),  # that place's own roads
    ("桥被冲垮", False), ("桥头", False),  # a bridge is named after where it stands
    ("弄了个新规定", False),  # 弄 after a place name is the verb; lanes are numbered (100弄)
    ("那边", False), ("", False),
])
def test_one_rule_says_when_a_place_name_starts_a_road_name(rest, road):
    assert names_a_road(rest) is road


def test_former_names_point_at_the_division_they_became():
    nodes = read_divisions()
    names = former_names()
    assert nodes[names["横县"]].name == "横州市" and nodes[names["户县"]].name == "鄠邑区"


def test_a_former_name_pointing_outside_the_table_fails_the_load(tmp_path):
    path = tmp_path / "former_names.yaml"
    path.write_text('横县: "459999"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="459999"):
        former_names(path)

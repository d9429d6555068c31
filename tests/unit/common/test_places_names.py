"""The one national division table and the one rule for the names a division goes by,
which dispatch and rumor both use (libs/common/places)."""
import pytest

from libs.common.places.divisions import is_pseudo_city, is_zone, read_divisions
from libs.common.places.names import short_name, short_name_of


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


def test_each_call_gives_a_fresh_table_a_caller_may_extend():
    nodes = read_divisions()
    nodes.pop("450103")
    assert "450103" in read_divisions()

"""The jurisdiction directory: real division codes, four levels, departments, centers."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services.dispatch.directory import DirectoryError, load_directory
from services.dispatch.directory.loader import DEFAULT_DIRECTORY
from services.dispatch.directory.models import TOPIC_SUFFIX

NANNING_COUNTIES = {
    "450102": "兴宁区", "450103": "青秀区", "450105": "江南区", "450107": "西乡塘区",
    "450108": "良庆区", "450109": "邕宁区", "450110": "武鸣区", "450123": "隆安县",
    "450124": "马山县", "450125": "上林县", "450126": "宾阳县", "450181": "横州市",
}


def test_city_has_all_twelve_county_level_divisions_with_real_codes(directory):
    counties = {u.code: u.name for u in directory.units.values() if u.level == "county"}
    assert directory.city.code == "450100" and directory.city.name == "南宁市"
    assert counties == NANNING_COUNTIES


def test_directory_has_four_levels_down_to_villages_and_communities(directory):
    levels = {u.level for u in directory.units.values()}
    assert levels == {"city", "county", "township", "village"}
    townships = [u for u in directory.units.values() if u.level == "township"]
    assert len(townships) >= 130  # every township/street of every county
    assert directory.division("450102001").path == ["南宁市", "兴宁区", "民生街道"]
    village = next(u for u in directory.units.values() if u.level == "village")
    assert len(directory.division(village.code).path) == 4


def test_every_township_has_a_local_office_and_every_county_a_cac_and_police(directory):
    for unit in directory.units.values():
        kinds = {d.kind for d in unit.departments}
        if unit.level == "township":
            assert kinds & {"township_office", "cac"}, unit.name
        if unit.level == "county":
            assert {"cac", "police", "market_regulation", "culture"} <= kinds, unit.name


def test_city_has_industry_departments_emergency_center_and_leadership(directory):
    kinds = {d.kind for d in directory.city.departments}
    assert {"cac", "police", "market_regulation", "culture", "education", "health",
            "emergency_center", "leadership", "report_center"} <= kinds


def test_department_codes_are_unique_valid_kafka_topic_suffixes(directory):
    codes = [d.code for u in directory.units.values() for d in u.departments]
    assert len(codes) == len(set(codes))
    assert all(TOPIC_SUFFIX.match(c) and c.isascii() for c in codes)
    assert "nn-qingxiu-cac" in codes and "nn-city-police" in codes


def test_development_zones_are_placed_with_their_own_cac_office(directory):
    zones = {u.zone: u for u in directory.units.values() if u.zone}
    assert {"南宁高新技术产业开发区", "南宁经济技术开发区", "广西-东盟经济技术开发区"} <= set(zones)
    assert zones["南宁高新技术产业开发区"].departments[0].code == "nn-gaoxin-cac"


def test_every_prefecture_level_city_has_a_report_center(directory):
    cities = [n for n in directory.nodes.values() if n.level == "city"]
    assert len(cities) >= 330
    assert all(c.code in directory.centers for c in cities)
    assert directory.centers["321300"].center == "宿迁市互联网违法和不良信息举报中心"


def test_landmarks_point_at_divisions_of_the_city(directory):
    assert directory.landmarks
    assert all(directory.in_city(lm.code) for lm in directory.landmarks)


def _copy_with(tmp_path: Path, change) -> Path:
    doc = yaml.load(DEFAULT_DIRECTORY.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    change(doc)
    base = DEFAULT_DIRECTORY.parent
    for key in ("report_centers",):
        doc[key] = str(base / doc[key])
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_directory_with_a_department_code_used_twice_is_refused(tmp_path):
    def duplicate(doc):
        county = doc["city"]["counties"][0]
        county["departments"].append(dict(county["departments"][0]))
    with pytest.raises(DirectoryError, match="used twice"):
        load_directory(_copy_with(tmp_path, duplicate))


def test_directory_without_an_emergency_center_is_refused(tmp_path):
    def drop(doc):
        doc["city"]["departments"] = [d for d in doc["city"]["departments"]
                                      if d["kind"] != "emergency_center"]
    with pytest.raises(DirectoryError, match="emergency_center"):
        load_directory(_copy_with(tmp_path, drop))


def test_department_code_that_is_not_a_topic_suffix_is_refused(tmp_path):
    def bad(doc):
        doc["city"]["departments"][0]["code"] = "南宁 cac"
    with pytest.raises(ValueError, match="Kafka topic suffix"):
        load_directory(_copy_with(tmp_path, bad))

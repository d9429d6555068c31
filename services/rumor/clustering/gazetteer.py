"""The division gazetteer: every province, city and county name (full and short) with its code.

Built from cpca's national division table (read as a plain CSV, without importing cpca's
pandas stack) plus `rules/places.yaml` for renamed divisions, nicknames and development zones.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from libs.common.events import Division
from libs.common.places import NameIndex
from services.rumor.clustering.segmentation import word_freq
from services.rumor.params import place_names

_SKIP_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SUFFIX = re.compile(r"(壮族|回族|维吾尔)?(自治区|特别行政区|省|市)$")
_CITY_SUFFIX = re.compile(r"(市|地区|盟|自治州)$")
_COUNTY_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|新区|区|县|市|旗)$")


@dataclass(frozen=True)
class NameHit:
    """One way a surface string can name a division."""

    code: str
    short: bool  # the name without its 市/区/县 suffix: needs corroboration


@dataclass
class Gazetteer:
    divisions: dict[str, Division] = field(default_factory=dict)
    names: dict[str, list[NameHit]] = field(default_factory=dict)
    road_suffixes: tuple[str, ...] = ()
    landmark_suffixes: tuple[str, ...] = ()
    index: NameIndex | None = None  # libs.common.places: the scanner dispatch uses too

    def city_of(self, code: str) -> str | None:
        """The prefecture-level city; a municipality (北京, 重庆) is its own city."""
        division = self.divisions.get(code)
        if division is None or division.level == "province" and not _is_municipality(code):
            return None
        return division.path[1] if len(division.path) > 1 else division.path[0]

    def province_of(self, code: str) -> str | None:
        division = self.divisions.get(code)
        return division.path[0] if division else None

    def label(self, code: str) -> str:
        division = self.divisions.get(code)
        return division.name if division else code


def _is_municipality(code: str) -> bool:
    return code[:2] in {"11", "12", "31", "50"}


def _cpca_rows() -> list[tuple[str, str]]:
    spec = importlib.util.find_spec("cpca")
    assert spec and spec.submodule_search_locations, "cpca is a declared dependency"
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as f:
        return [(row["adcode"][:6], row["name"]) for row in csv.DictReader(f)]


def _ethnic_names() -> list[str]:
    spec = importlib.util.find_spec("cpca")
    assert spec and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "56_nations.csv"
    words = re.findall(r"[\u4e00-\u9fff]+", path.read_text(encoding="utf-8"))
    return sorted({w if w.endswith("族") else w + "族" for w in words if w != "民族"}, key=len, reverse=True)


def _division(code: str, name: str, parent_city: str | None = None) -> Division:
    province = code[:2] + "0000"
    if code == province:
        return Division(code=code, name=name, level="province", path=[province])
    city = parent_city or code[:4] + "00"
    if code == city:
        return Division(code=code, name=name, level="city", path=[province, city])
    return Division(code=code, name=name, level="county", path=[province, city])


def short_name(division: Division, ethnic: list[str]) -> str | None:
    """广西壮族自治区 -> 广西, 融水苗族自治县 -> 融水, 沭阳县 -> 沭阳; None if too short."""
    name = division.name
    if "自治" in name:
        cut = min((name.find(e) for e in ethnic if e in name), default=-1)
        if cut >= 2:
            name = name[:cut]
    pattern = {"province": _PROVINCE_SUFFIX, "city": _CITY_SUFFIX}.get(division.level, _COUNTY_SUFFIX)
    name = pattern.sub("", name)
    return name if len(name) >= 2 and name != division.name else None


def _is_common_word(name: str, level: str, max_freq: int, stop: set[str]) -> bool:
    # Only county short names are tested against word frequency: city names such as 扬州
    # are frequent in text precisely because they are places.
    if name in stop:
        return True
    return level == "county" and word_freq(name) > max_freq


@lru_cache(maxsize=4)
def load_gazetteer(max_common_word_freq: int = 500, extra_stop: tuple[str, ...] = ()) -> Gazetteer:
    extra = place_names()
    gaz = Gazetteer(
        road_suffixes=extra.feature_suffixes.road,
        landmark_suffixes=extra.feature_suffixes.landmark,
    )
    for code, name in _cpca_rows():
        if name not in _SKIP_NAMES:
            gaz.divisions.setdefault(code, _division(code, name))
    for code, (name, parent) in extra.extra_divisions.items():
        gaz.divisions[code] = _division(code, name, parent)
    stop = set(extra.stop_short_names) | set(extra_stop)
    ethnic = _ethnic_names()
    for division in gaz.divisions.values():
        gaz.names.setdefault(division.name, []).append(NameHit(division.code, short=len(division.name) < 3))
        short = short_name(division, ethnic)
        if short and not _is_common_word(short, division.level, max_common_word_freq, stop):
            gaz.names.setdefault(short, []).append(NameHit(division.code, short=True))
    for alias, code in extra.aliases.items():
        gaz.names.setdefault(alias, []).append(NameHit(code, short=False))
    gaz.index = NameIndex(gaz.names)
    return gaz

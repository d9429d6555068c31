"""The division gazetteer: every province, city and county name (full and short) with its code.

Built from the national division table and the short-name rule of `libs.common.places` (the
ones dispatch uses) plus `rules/places.yaml`: former names (横县), divisions the table lacks,
nicknames and development zones. Rumor's own are which names need corroboration (`NameHit.short`),
the common-word filter on county short names, and a path by code (a county's city is its
code's first four digits, so the counties of 省直辖县级行政区划 share one).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from libs.common.events import Division
from libs.common.places import NameIndex
from libs.common.places.divisions import is_municipality, is_pseudo_city, is_zone, read_divisions
from libs.common.places.names import short_name
from services.rumor.clustering.segmentation import word_freq
from services.rumor.params import place_names


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
        if division is None or division.level == "province" and not is_municipality(code):
            return None
        return division.path[1] if len(division.path) > 1 else division.path[0]

    def province_of(self, code: str) -> str | None:
        division = self.divisions.get(code)
        return division.path[0] if division else None

    def label(self, code: str) -> str:
        division = self.divisions.get(code)
        return division.name if division else code


def _national_rows() -> list[tuple[str, str]]:
    """Provinces, cities and counties; no zones (苏州工业园区 is not a county to compare)
    and no row that repeats its parent (北京市 under 北京市)."""
    nodes = read_divisions()
    return [(n.code, n.name) for n in nodes.values()
            if n.level in ("province", "city", "county") and not is_zone(n)
            and not is_pseudo_city(n, nodes)]


def _division(code: str, name: str, parent_city: str | None = None) -> Division:
    province = code[:2] + "0000"
    if code == province:
        return Division(code=code, name=name, level="province", path=[province])
    city = parent_city or code[:4] + "00"
    if code == city:
        return Division(code=code, name=name, level="city", path=[province, city])
    return Division(code=code, name=name, level="county", path=[province, city])


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
    for code, name in _national_rows():
        gaz.divisions[code] = _division(code, name)
    for code, (name, parent) in extra.extra_divisions.items():
        gaz.divisions[code] = _division(code, name, parent or None)
    stop = set(extra.stop_short_names) | set(extra_stop)
    for division in gaz.divisions.values():
        gaz.names.setdefault(division.name, []).append(NameHit(division.code, short=len(division.name) < 3))
        short = short_name(division.name, division.level)
        if short and not _is_common_word(short, division.level, max_common_word_freq, stop):
            gaz.names.setdefault(short, []).append(NameHit(division.code, short=True))
    for name, code in extra.former_names.items():
        gaz.names.setdefault(name, []).append(NameHit(code, short=len(name) < 3))
    for alias, code in extra.aliases.items():
        gaz.names.setdefault(alias, []).append(NameHit(code, short=False))
    gaz.index = NameIndex(gaz.names)
    return gaz

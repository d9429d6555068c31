"""The division gazetteer: every province, city and county name (full and short) with its code.

Built from the national division table and the short-name rule of `libs.common.places` (the
ones dispatch uses), the former names both read (横县: `libs/common/places/former_names.yaml`),
the landmark list dispatch reads too (相思湖 is in 西乡塘区: `libs/common/places/landmarks.yaml`),
plus `rules/places.yaml`: divisions the table lacks, nicknames and development zones. Rumor's own are which names need corroboration (`NameHit.short`),
and the common-word filter on county short names. Paths follow the table's parent column
(`_division`), as dispatch's do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from libs.common.events import Division
from libs.common.places import NameIndex, normalize_address
from libs.common.places.divisions import (Node, ancestors, is_municipality, is_pseudo_city, is_zone,
                                          read_divisions)
from libs.common.places.former import former_names
from libs.common.places.landmarks import landmarks
from libs.common.places.names import short_name
from services.rumor.clustering.segmentation import word_freq
from services.rumor.params import place_names


@dataclass(frozen=True)
class NameHit:
    """One way a surface string can name a division."""

    code: str
    short: bool  # the name without its 市/区/县 suffix: needs corroboration
    # A well-known site (相思湖, libs/common/places/landmarks.yaml) standing for its county: a
    # name of its own, so no road or lake word after it makes it something else.
    landmark: bool = False


@dataclass
class Gazetteer:
    divisions: dict[str, Division] = field(default_factory=dict)
    names: dict[str, list[NameHit]] = field(default_factory=dict)
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


def _table() -> dict[str, Node]:
    """Provinces, cities and counties of the national table, with the divisions it lacks
    (香港: a province when it has no parent, a county of its parent otherwise); no zones
    (苏州工业园区 is not a county to compare)."""
    nodes = {code: n for code, n in read_divisions().items()
             if n.level in ("province", "city", "county") and not is_zone(n)}
    for code, (name, parent) in place_names().extra_divisions.items():
        nodes[code] = Node(code, "county" if parent else "province", name, parent or None)
    return nodes


def _division(node: Node, nodes: dict[str, Node]) -> Division:
    """The division with its path of codes, province first, from the table's parent column:
    a county's city is its parent, a municipality's district (浦东新区) has the municipality
    as its city, and a county-level city under its province (仙桃市) is a city of its own.
    A row that repeats its parent (上海市 under 上海市) is not on the path."""
    above = [code for code in reversed(ancestors(node.parent, nodes) if node.parent else ())
             if not is_pseudo_city(nodes[code], nodes)]
    path = above if node.level == "county" else above + [node.code]
    return Division(code=node.code, name=node.name, level=node.level, path=path)


def _landmark_counties(gaz: Gazetteer) -> list[tuple[str, str]]:
    """(name, county code) of each landmark; one on a township stands for the township's county."""
    nodes = read_divisions()
    out = []
    for landmark in landmarks():
        county = next((c for c in ancestors(landmark.code, nodes) if c in gaz.divisions), None)
        if county is not None and gaz.divisions[county].level == "county":
            out.append((normalize_address(landmark.name), county))
    return out


def _is_common_word(name: str, level: str, max_freq: int, stop: set[str]) -> bool:
    # Only county short names are tested against word frequency: city names such as 扬州
    # are frequent in text precisely because they are places.
    if name in stop:
        return True
    return level == "county" and word_freq(name) > max_freq


@lru_cache(maxsize=4)
def load_gazetteer(max_common_word_freq: int = 500, extra_stop: tuple[str, ...] = ()) -> Gazetteer:
    extra = place_names()
    gaz = Gazetteer(landmark_suffixes=extra.feature_suffixes.landmark)
    nodes = _table()
    for node in nodes.values():
        if not is_pseudo_city(node, nodes):
            gaz.divisions[node.code] = _division(node, nodes)
    stop = set(extra.stop_short_names) | set(extra_stop)
    for division in gaz.divisions.values():
        gaz.names.setdefault(division.name, []).append(NameHit(division.code, short=len(division.name) < 3))
        short = short_name(division.name, division.level)
        if short and not _is_common_word(short, division.level, max_common_word_freq, stop):
            gaz.names.setdefault(short, []).append(NameHit(division.code, short=True))
    for name, code in former_names().items():
        gaz.names.setdefault(name, []).append(NameHit(code, short=len(name) < 3))
    for alias, code in extra.aliases.items():
        gaz.names.setdefault(alias, []).append(NameHit(code, short=False))
    for name, code in _landmark_counties(gaz):
        # Weak as a short name is: 南湖公园 or 会展中心 may be another city's, so the site
        # places a report only in a city the report names or leaves uncontested.
        gaz.names.setdefault(name, []).append(NameHit(code, short=True, landmark=True))
    gaz.index = NameIndex(gaz.names)
    return gaz

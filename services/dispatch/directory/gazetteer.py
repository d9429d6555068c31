"""Place-name index: every name a report may use for a division, and how much it says.

Built once from the national division table and the directory: official names (青秀区), the
short forms people write (青秀, 宿迁, 广西: `libs.common.places.names`, the rule rumor uses
too), the former names rumor reads too (横县: `libs.common.places.former`), the directory's
aliases and landmarks, each weighed by what it is (`WEIGHTS`). `scan` finds the names in an
address by leftmost-longest match (`libs.common.places`, the scanner rumor uses too) and drops
those that start a road's name (`libs.common.places.roads`); `services.dispatch.directory.places`
weighs what it found.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from libs.common.places import Judged, NameIndex, leftmost_longest
from libs.common.places import normalize_address as normalize
from libs.common.places.names import GENERIC_FULL_NAMES, plain_word, short_name_of
from libs.common.places.divisions import Node
from libs.common.places.former import former_names
from libs.common.places.roads import names_a_road
from services.dispatch.directory.models import Landmark, Unit

HitKind = Literal["code", "full", "city_short", "short", "alias", "landmark",
                  "township_short", "weak_alias"]
# How much a name says about the place. A full official name beats a short form; a city's
# short name (柳州) is rarely anything else, a township's (南阳) often is.
WEIGHTS: dict[str, float] = {
    "code": 6.0, "full": 3.0, "city_short": 2.5, "short": 2.0, "alias": 2.0,
    "landmark": 2.0, "township_short": 1.0, "weak_alias": 1.0,
}


class Hit(NamedTuple):
    code: str
    weight: float
    kind: HitKind


class Mention(NamedTuple):
    term: str
    start: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Gazetteer:
    terms: Mapping[str, tuple[Hit, ...]]
    index: NameIndex = field(compare=False, repr=False)

    def scan(self, text: str) -> list[Mention]:
        """Leftmost-longest names in `text`; short names used as street names are dropped."""
        def judge(start: int, end: int, term: str) -> Judged[Mention]:
            hits = _drop_road_names(self.terms[term], text[end:])
            return Judged(Mention(term, start, hits) if hits else None, used=True)
        return leftmost_longest(text, self.index, judge)


def _drop_road_names(hits: tuple[Hit, ...], rest: str) -> tuple[Hit, ...]:
    # A short name or alias before a road word (北京路, 中山东路: libs.common.places.roads) is
    # a street's name; a full official name there still says where (青秀区新竹路).
    if not names_a_road(rest):
        return hits
    return tuple(h for h in hits if h.kind not in ("short", "city_short", "township_short",
                                                   "alias", "weak_alias"))


def _national_terms(nodes: Iterable[Node], local: Mapping[str, Unit]) -> Iterable[tuple[str, Hit]]:
    nodes = list(nodes)
    # 海南, 吉林: a province's short name is the province, not the city of the same name.
    province_shorts = {short_name_of(n) for n in nodes if n.level == "province"}
    for node in nodes:
        if node.level == "village":
            if len(node.name) >= 3:  # a two-character village name is too often a word
                yield node.name, Hit(node.code, WEIGHTS["full"], "full")
            continue
        if node.name not in GENERIC_FULL_NAMES:
            yield node.name, Hit(node.code, WEIGHTS["full"], "full")
        elif node.code in local:  # the city's own 经济技术开发区: counts when nothing disagrees
            yield node.name, Hit(node.code, WEIGHTS["weak_alias"], "weak_alias")
        if node.level == "township" and node.code not in local:
            continue  # other cities' townships are matched by full name only
        short = short_name_of(node)
        if short is None or plain_word(short, node.level):  # 城中, 河西: ordinary words
            continue
        if not (node.level != "province" and short in province_shorts):
            kind: HitKind = {"city": "city_short", "township": "township_short"}.get(
                node.level, "short")  # type: ignore[assignment]
            yield short, Hit(node.code, WEIGHTS[kind], kind)


def _directory_terms(units: Mapping[str, Unit],
                     landmarks: Iterable[Landmark]) -> Iterable[tuple[str, Hit]]:
    for unit in units.values():
        for alias in unit.aliases:
            yield normalize(alias), Hit(unit.code, WEIGHTS["alias"], "alias")
        for alias in unit.weak_aliases:
            yield normalize(alias), Hit(unit.code, WEIGHTS["weak_alias"], "weak_alias")
    for landmark in landmarks:
        yield normalize(landmark.name), Hit(landmark.code, WEIGHTS["landmark"], "landmark")


def _former_terms(nodes: Mapping[str, Node]) -> Iterable[tuple[str, Hit]]:
    """横县, 户县: read as an official name is (`_national_terms`), and a two-character one,
    found inside ordinary words (担任县长), weighed as a short form."""
    for name, code in former_names().items():
        if code in nodes:
            kind: HitKind = "full" if len(name) >= 3 else "short"
            yield name, Hit(code, WEIGHTS[kind], kind)


def build_gazetteer(nodes: Mapping[str, Node], units: Mapping[str, Unit],
                    landmarks: Iterable[Landmark]) -> Gazetteer:
    """Index every name; one term may name several divisions (民生街道 is in many cities)."""
    best: dict[str, dict[str, Hit]] = {}
    pairs = list(_national_terms(nodes.values(), units))
    pairs += list(_directory_terms(units, landmarks))
    # Last: on a tie the directory's own name of a division (横县, an alias) keeps its kind.
    pairs += list(_former_terms(nodes))
    for term, hit in pairs:
        by_code = best.setdefault(term, {})
        if hit.code not in by_code or by_code[hit.code].weight < hit.weight:
            by_code[hit.code] = hit
    terms = {t: tuple(h.values()) for t, h in best.items() if len(t) >= 2}
    return Gazetteer(terms=terms, index=NameIndex(terms))

"""A site named after its township (吴圩镇, 沙井街道, 石埠菜市场) placed in the township's county.

The national table goes down to townships; rumor compares districts, so a township says which
district a report is about when the report's city is known (many cities have a 新华街道).
Schools, markets and clinics are named after the township they serve (那洪中学 is in 那洪街道),
so a site of those kinds whose name is a township's name places the report there too.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
import re
from functools import lru_cache

from libs.common.places.divisions import ancestors, read_divisions
from libs.common.places.names import plain_word, short_name
from services.rumor.clustering.segmentation import word_freq
from services.rumor.clustering.sites import overlaps

# Kinds of site (rules/places.yaml sites.kinds) named after the township they stand in.
TOWNSHIP_NAMED_KINDS = frozenset({"township", "school", "market", "medical"})


@lru_cache(maxsize=1)
def township_counties() -> Mapping[str, frozenset[str]]:
    """Township short name (吴圩) -> the codes of the counties holding a township of that name."""
    nodes = read_divisions()
    found: dict[str, set[str]] = {}
    for node in nodes.values():
        if node.level != "township":
            continue
        short = short_name(node.name, "township")
        county = next((c for c in ancestors(node.code, nodes) if nodes[c].level == "county"), None)
        if short and county and not plain_word(short, "township"):
            found.setdefault(short, set()).add(county)
    return {name: frozenset(codes) for name, codes in found.items()}


def counties_of_sites(sites: Iterable[tuple[str, str]], in_cities: Callable[[str], bool]) -> set[str]:
    """The counties that (kind, name) sites place a report in, among those `in_cities` accepts
    (the report's own cities: a township name alone is in many)."""
    table = township_counties()
    return {county for kind, name in sites if kind in TOWNSHIP_NAMED_KINDS
            for county in table.get(name, ()) if in_cities(county)}


# "周鹿那边疯狗咬人": a township said without 镇, as the place something happens near. Only a name
# jieba does not know as a word (周鹿, 吴圩; not 市场, 车站 or 朝阳, which are townships too).
_NEAR = re.compile(r"那边|这边|一带|附近|那里|那块")
_RARE_WORD = 10


def townships_told_near(text: str, taken: Sequence[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(name, start, end) of townships named bare before 那边 / 一带, outside the `taken` spans."""
    table, spans, found = township_counties(), list(taken), []
    for end in (m.start() for m in _NEAR.finditer(text)):
        for start in (end - 3, end - 2):
            name = text[start:end]
            if start >= 0 and name in table and word_freq(name) < _RARE_WORD and not overlaps(start, end, spans):
                found.append((name, start, end))
                spans.append((start, end))
                break
    return found

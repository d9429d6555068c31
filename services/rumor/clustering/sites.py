"""Named sites below the county level (南田小学, 长塘水库, 沙塘镇) found in a report.

A site is found by form: a proper name (by jieba's part-of-speech tags) followed by a site
word from `rules/places.yaml`. Its name is compared like a place, not as text: two rumors
about one school are one claim only if they say the same thing happened there.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.rumor.clustering.segmentation import pos_tag
from services.rumor.params import place_names

_PROPER = {"nr", "ns", "nz", "nt", "nrt", "nrfg"}
_NAME = re.compile(r"[\u4e00-\u9fff]{2,5}")


@dataclass(frozen=True)
class Site:
    name: str  # the proper part: 南田 of 南田实验小学
    start: int
    end: int  # end of the whole phrase (南田实验小学): where, not what; the event words carry the what


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], frozenset[str]]:
    words = place_names().sites
    return tuple(sorted(words.suffixes, key=len, reverse=True)), frozenset(words.infixes)


def find_sites(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[Site]:
    """Site names in the text, skipping spans already taken (division names)."""
    suffixes, infixes = _vocabulary()
    tagged = pos_tag(text)
    sites = []
    for i, (word, flag, start) in enumerate(tagged):
        if flag not in _PROPER or _overlaps(start, start + len(word), taken):
            continue
        site = _site_in_token(word, start, suffixes) or _site_before_word(word, start, tagged[i + 1:i + 3],
                                                                            suffixes, infixes)
        if site:
            sites.append(site)
    return sites


def _site_in_token(word: str, start: int, suffixes: tuple[str, ...]) -> Site | None:
    # 骆马湖, 沙塘镇: one token holds the name and the site word
    for suffix in suffixes:
        if word.endswith(suffix) and _NAME.fullmatch(word[:-len(suffix)]):
            return Site(word[:-len(suffix)], start, start + len(word))
    return None


def _site_before_word(word: str, start: int, following: list[tuple[str, str, int]], suffixes: tuple[str, ...],
                      infixes: frozenset[str]) -> Site | None:
    # 长塘/水库, 南田/实验/小学老师: the site word follows, maybe after one infix
    if not _NAME.fullmatch(word):
        return None
    rest = list(following)
    if rest and rest[0][0] in infixes:
        rest = rest[1:]
    suffix = next((s for s in suffixes if rest and rest[0][0].startswith(s)), None)
    return Site(word, start, rest[0][2] + len(suffix)) if suffix else None


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)

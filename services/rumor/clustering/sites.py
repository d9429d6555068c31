"""Named sites below the county level (南田小学, 长塘水库, 沙塘镇, 翠湖新城小区) found in a report.

A site is found by form: a name followed by a site word from `rules/places.yaml`. The name
is a proper noun by jieba's part-of-speech tags, or, since jieba does not know most local
names (秀灵小学, 吴圩镇 cut as 吴/圩镇), the one or two content words just before the site
word. Its name is compared like a place, not as text, and only with sites of its kind
(`Site.key`, "school:秀灵"): two rumors about one school are one claim only if they say the
same thing happened there, and the same rumor about two schools is two claims.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.rumor.clustering.segmentation import pos_tag
from services.rumor.clustering.similarity import number_value, stopwords
from services.rumor.params import place_names

_PROPER = {"nr", "ns", "nz", "nt", "nrt", "nrfg"}
# Tags of words that can be part of a local name jieba does not know (秀/灵, 锦绣, 翠湖/新城).
_NAME_TAGS = _PROPER | {"n", "ng", "a", "ag", "an", "j", "b", "x"}  # x: a rare character (埌东)
_NAME = re.compile(r"[\u4e00-\u9fff]{2,5}")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_MAX_NAME = 4


@dataclass(frozen=True)
class Site:
    name: str  # the proper part: 南田 of 南田实验小学
    start: int
    end: int  # end of the whole phrase (南田实验小学): where, not what; the event words carry the what
    kind: str = "site"  # school, residence, township ... (rules/places.yaml sites.kinds)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], frozenset[str], dict[str, str], frozenset[str], tuple[str, ...]]:
    words = place_names().sites
    kind_of = {suffix: kind for kind, suffixes in words.kinds.items() for suffix in suffixes}
    by_form = tuple(s for s in sorted(words.suffixes, key=len, reverse=True) if kind_of.get(s) in words.form_kinds)
    return (tuple(sorted(words.suffixes, key=len, reverse=True)), frozenset(words.infixes), kind_of,
            frozenset(words.not_names) | stopwords(), by_form)


def find_sites(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[Site]:
    """Site names in the text, skipping spans already taken (division names)."""
    suffixes, infixes, kind_of, not_names, by_form = _vocabulary()
    tagged = pos_tag(text)
    # Site words named by the words before them first: they give the whole name (翠湖新城小区),
    # where the proper-noun rule alone gives its last word (新城).
    found = [s for i in range(len(tagged))
             if (s := _site_at_suffix(tagged, i, by_form, suffixes, infixes, not_names, taken))]
    for i, (word, flag, start) in enumerate(tagged):
        if flag not in _PROPER or overlaps(start, start + len(word), taken):
            continue
        site = _site_in_token(word, start, suffixes) or _site_before_word(word, start, tagged[i + 1:i + 3],
                                                                            suffixes, infixes)
        if site and not overlaps(site.start, site.end, [(s.start, s.end) for s in found]):
            found.append(site)
    return [Site(s.name, s.start, s.end, kind_of.get(_suffix_of(text, s, suffixes), "site"))
            for s in sorted(found, key=lambda s: s.start)]


def sites_named_by_places(text: str, places: Sequence[tuple[str, int, int]]) -> list[Site]:
    """A school, clinic, compound or market named after the place below the county it stands in
    (凤岭小学, 埌东小学): `places` are (name, start, end) of such place names in the text. The
    name still says the district; the whole is a site as well, so the same rumor at 凤岭小学
    and at 埌东小学, both in 青秀区, is two claims."""
    _, _, kind_of, _, by_form = _vocabulary()
    found = []
    for name, start, end in places:
        suffix = next((s for s in by_form if text.startswith(s, end)), None)
        if suffix:
            found.append(Site(name, start, end + len(suffix), kind_of[suffix]))
    return found


def _suffix_of(text: str, site: Site, suffixes: tuple[str, ...]) -> str:
    phrase = text[site.start:site.end]
    return next((s for s in suffixes if phrase.endswith(s)), "")


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


def _site_at_suffix(tagged: list[tuple[str, str, int]], i: int, by_form: tuple[str, ...], suffixes: tuple[str, ...],
                    infixes: frozenset[str], not_names: frozenset[str], taken: Sequence[tuple[int, int]]) -> Site | None:
    """A site word (or a token ending in one: 圩镇) at token i, named by the content words before it."""
    word, _, start = tagged[i]
    j = i + 1
    if j < len(tagged) and tagged[j][0] in by_form and word in suffixes or overlaps(start, start + len(word), taken):
        return None  # 花园/小区: the site word is the later one (but 云表/镇/水库 is the township's reservoir)
    suffix = next((s for s in by_form if word.endswith(s) and _CJK.fullmatch(word[:-len(s)] or "一")), None)
    if suffix is None:
        return None
    head = word[:-len(suffix)]
    if head and (head in not_names or head[0] in "一二两三四五六七八九十几这那每某"):
        return None  # 一条街, 这所学校
    name, first = head, start
    k = i - 1
    while k >= 0 and tagged[k][0] in infixes and not head:
        k -= 1  # 凤凰/实验/中学: the infix stands between the name and the site word
    skipped = ""
    while k >= 0:
        prev, flag, pos = tagged[k]
        if prev in suffixes and k == i - 1 and not head:
            skipped = prev
            k -= 1  # 锦绣/花园/小区, 长塘/水库/大坝: the name stands before the first site word
            continue
        if (flag not in _NAME_TAGS or prev in not_names or not _CJK.fullmatch(prev) or prev in suffixes
                or len(prev) + len(name) > _MAX_NAME or overlaps(pos, pos + len(prev), taken)):
            break
        name, first = prev + name, pos
        k -= 1
    if len(name) == 1 and skipped:
        name = name + skipped  # 茶/花园/小区: 茶花园 is the name, not 茶
    if len(name) < 2 or name in not_names:
        return None
    return Site(name, first, start + len(word))


def overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps any of the (start, end) spans."""
    return any(start < e and s < end for s, e in spans)


# A city's numbered hospitals (第二人民医院, 市一医院, 二院) are told apart by the number alone,
# which jieba tags as a numeral, so the name-before-site-word rule never sees them. A bare 二院
# counts only at the start of a phrase or after 市: inside a word (住院, 十二院) it is no name.
_NUMBERED_HOSPITAL = re.compile(r"(?:第|市|区|县)?([一二三四五六七八九十]{1,2}|\d{1,2})(?:人民)?医院|"
                                r"(?:(?<=市)|(?<![\u4e00-\u9fff]))([一二三四五六七八九十])院")


def numbered_hospitals(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[Site]:
    """Hospitals named by their number (南宁市第二人民医院 = 二医院 = 二院: medical:第2)."""
    found = []
    for match in _NUMBERED_HOSPITAL.finditer(text):
        if overlaps(match.start(), match.end(), taken):
            continue
        number = number_value(match.group(1) or match.group(2))
        if number and number != "0":
            found.append(Site(f"第{number}", match.start(), match.end(), "medical"))
    return found

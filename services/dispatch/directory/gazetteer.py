"""Place-name index: every name a report may use for a division, and how much it says.

Built once from the directory data: official names (青秀区), the short forms people write
(青秀, 宿迁, 广西), the directory's aliases and landmarks. `scan` finds the names in an
address by leftmost-longest match (`libs.common.places`, the scanner rumor uses too);
`services.dispatch.directory.places` weighs what it found.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from libs.common.places import Judged, NameIndex, leftmost_longest
from libs.common.places import normalize_address as normalize
from services.dispatch.directory.models import Landmark, Node, Unit

HitKind = Literal["code", "full", "city_short", "short", "alias", "landmark",
                  "township_short", "weak_alias"]
# How much a name says about the place. A full official name beats a short form; a city's
# short name (柳州) is rarely anything else, a township's (南阳) often is.
WEIGHTS: dict[str, float] = {
    "code": 6.0, "full": 3.0, "city_short": 2.5, "short": 2.0, "alias": 2.0,
    "landmark": 2.0, "township_short": 1.0, "weak_alias": 1.0,
}
# Short names and aliases followed by these are street names (北京路, 中山东路, 新竹大道):
# a road named after a place says nothing about where it is.
ROAD_AFTER = re.compile(r"^[东西南北中一二三四五六七八九十]?(路|街(?!道)|大道|大街|巷|桥)")
# County and township short forms made only of these characters are ordinary words
# (城中, 江南, 河西): dropped. Provinces keep theirs (河南, 山东).
GENERIC_CHARS = set("东西南北中上下前后左右城郊矿新老市区县镇乡江河湖海山口")
# Official names that say nothing without a place before them (several cities have them).
GENERIC_FULL_NAMES = {"城区", "郊区", "矿区", "新区", "市区", "县城", "开发区", "高新区", "经开区",
                      "经济开发区", "经济技术开发区", "高新技术开发区", "高新技术产业开发区",
                      "工业园区", "工业园"}
ETHNIC = ("维吾尔", "哈萨克", "柯尔克孜", "乌孜别克", "塔吉克", "塔塔尔", "俄罗斯", "鄂温克",
          "鄂伦春", "达斡尔", "土家", "蒙古", "布依", "朝鲜", "哈尼", "傈僳", "拉祜", "东乡",
          "纳西", "景颇", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "德昂",
          "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴", "基诺", "高山", "回", "藏", "苗", "彝",
          "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤", "畲", "水", "羌", "怒", "京", "土", "各")
ETHNIC_TAIL = re.compile("(?:(?:" + "|".join(ETHNIC) + ")族)+$")
SUFFIXES: dict[str, tuple[str, ...]] = {
    "province": ("自治区", "特别行政区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "林区", "特区", "区", "县", "市", "旗"),
    "township": ("街道", "民族乡", "镇", "乡", "苏木"),
}


class Hit(NamedTuple):
    code: str
    weight: float
    kind: HitKind


class Mention(NamedTuple):
    term: str
    start: int
    hits: tuple[Hit, ...]


def short_name(name: str, level: str) -> str | None:
    """青秀区 -> 青秀, 恩施土家族苗族自治州 -> 恩施, 古寨瑶族乡 -> 古寨; None if nothing useful."""
    for suffix in SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) > len(suffix):
            short = ETHNIC_TAIL.sub("", name[: -len(suffix)])
            generic = level in ("county", "township") and set(short) <= GENERIC_CHARS
            if len(short) >= 2 and not generic:
                return short
            return None
    return None


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
    if not ROAD_AFTER.match(rest):
        return hits
    return tuple(h for h in hits if h.kind not in ("short", "city_short", "township_short",
                                                   "alias", "weak_alias"))


def _national_terms(nodes: Iterable[Node], local: Mapping[str, Unit]) -> Iterable[tuple[str, Hit]]:
    nodes = list(nodes)
    # 海南, 吉林: a province's short name is the province, not the city of the same name.
    province_shorts = {short_name(n.name, n.level) for n in nodes if n.level == "province"}
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
        short = short_name(node.name, node.level)
        if short and not (node.level != "province" and short in province_shorts):
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


def build_gazetteer(nodes: Mapping[str, Node], units: Mapping[str, Unit],
                    landmarks: Iterable[Landmark]) -> Gazetteer:
    """Index every name; one term may name several divisions (民生街道 is in many cities)."""
    best: dict[str, dict[str, Hit]] = {}
    pairs = list(_national_terms(nodes.values(), units))
    pairs += list(_directory_terms(units, landmarks))
    for term, hit in pairs:
        by_code = best.setdefault(term, {})
        if hit.code not in by_code or by_code[hit.code].weight < hit.weight:
            by_code[hit.code] = hit
    terms = {t: tuple(h.values()) for t, h in best.items() if len(t) >= 2}
    return Gazetteer(terms=terms, index=NameIndex(terms))

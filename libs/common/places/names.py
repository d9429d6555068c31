"""The names people write for a division: its official name and its short form.

One rule for dispatch and rumor: the short form drops the level suffix (区, 县, 自治州,
街道) and the ethnic names before it (恩施土家族苗族自治州 -> 恩施); none is left when that
leaves under two characters. Which short names a service refuses as ordinary words (dispatch:
`plain_word`, 城中, 河西; rumor: word frequency) and what it does with the rest (dispatch
weighs them, rumor asks for a corroborating city) is its own.
"""
from __future__ import annotations

import re

from libs.common.places.divisions import Node, is_zone

ETHNIC = ("维吾尔", "哈萨克", "柯尔克孜", "乌孜别克", "塔吉克", "塔塔尔", "俄罗斯", "鄂温克",
          "鄂伦春", "达斡尔", "土家", "蒙古", "布依", "朝鲜", "哈尼", "傈僳", "拉祜", "东乡",
          "纳西", "景颇", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "德昂",
          "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴", "基诺", "高山", "回", "藏", "苗", "彝",
          "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤", "畲", "水", "羌", "怒", "京", "土", "各")
ETHNIC_TAIL = re.compile("(?:(?:" + "|".join(ETHNIC) + ")族)+$")
# Xinjiang's autonomous names leave out 族 (新疆维吾尔自治区, 伊犁哈萨克自治州). Only names of
# two or more characters, and only before 自治: 西藏, 内蒙古 keep their last characters.
BARE_ETHNIC_TAIL = re.compile("(?:(?:" + "|".join(e for e in ETHNIC if len(e) > 1) + ")族?)+$")
SUFFIXES: dict[str, tuple[str, ...]] = {
    "province": ("自治区", "特别行政区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    # 新区 before 区: 浦东新区 is 浦东; when that leaves too little (清新区) 区 is tried next.
    "county": ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗"),
    "township": ("街道", "民族乡", "镇", "乡", "苏木"),
}
# County and township short forms made only of these characters are ordinary words
# (城中, 江南, 河西); provinces keep theirs (河南, 山东).
GENERIC_CHARS = frozenset("东西南北中上下前后左右城郊矿新老市区县镇乡江河湖海山口")
# Official names that say nothing without a place before them (several cities have them).
GENERIC_FULL_NAMES = frozenset({
    "城区", "郊区", "矿区", "新区", "市区", "县城", "开发区", "高新区", "经开区", "经济开发区",
    "经济技术开发区", "高新技术开发区", "高新技术产业开发区", "工业园区", "工业园"})


def short_name(name: str, level: str) -> str | None:
    """青秀区 -> 青秀, 恩施土家族苗族自治州 -> 恩施, 新疆维吾尔自治区 -> 新疆, 古寨瑶族乡 ->
    古寨; None when nothing is left (东乡族自治县)."""
    for suffix in SUFFIXES.get(level, ()):
        stem = name[: -len(suffix)] if name.endswith(suffix) else ""
        if len(stem) < 2:
            continue  # 清新区 is 清新 + 区, not 清 + 新区
        short = ETHNIC_TAIL.sub("", stem)
        if "自治" in suffix:
            bare = BARE_ETHNIC_TAIL.sub("", short)
            short = bare if len(bare) >= 2 else short
        return short if len(short) >= 2 else None
    return None


def plain_word(short: str, level: str) -> bool:
    """A county or township short form made only of ordinary characters (城中, 河西), which
    a text uses as a word far more often than as the place."""
    return level in ("county", "township") and set(short) <= GENERIC_CHARS


def short_name_of(node: Node) -> str | None:
    """The short form of a row of the national table. A zone has none: it would be its
    city's name (兰州新区 -> 兰州) or a fragment nobody writes (石家庄高新技术产业开发)."""
    return None if is_zone(node) else short_name(node.name, node.level)

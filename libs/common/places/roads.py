"""A place name that is the start of a street's name: one rule for dispatch and rumor.

Every city has a 北京路 and a 中山东路: a road named after a place says nothing about where
the report is. Which names a road word cancels is each service's own (dispatch: short forms
and aliases; rumor: names that need corroboration); which words make a road is this rule.

Decided by what reporters write after a place name:
- 路, 街, 大道, 大街, 巷 name a street, also with a direction or an ordinal between (北京东路,
  中山二路, 解放北街).
- 桥 is not a road word: streets are named after faraway places, a bridge after the place it
  stands in or serves, so 上林桥断了 is a bridge in 上林 and its place stays.
- 街道 counts too: a short name before 街道 is the name of a street office (南湖街道), which
  a resolver that knows the township matches whole and one that does not must not read as the
  district elsewhere of that name (嘉兴's 南湖区).
- 道 alone is a road in Tianjin and Hong Kong addresses (成都道, 北京道), but 道路 after a
  place name is that place's roads (南宁道路结冰), as 街上 and 街头 are its streets
  (南宁街头出现): the place stays.
- 弄 is not a road word: a lane of 弄 is numbered after its road (长乐路100弄), never named
  after a place, while 弄 after a place name in a report is the verb (柳州弄了个新规定).
"""
from __future__ import annotations

import re

ROAD_AFTER = re.compile(r"[东西南北中一二三四五六七八九十]?(?:路|街(?![上头])|大道|大街|巷|道(?!路))")


def names_a_road(rest: str) -> bool:
    """Whether `rest`, the text right after a place name, makes that name part of a road's."""
    return ROAD_AFTER.match(rest) is not None

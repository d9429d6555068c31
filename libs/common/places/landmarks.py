"""Well-known places (万象城, 相思湖, 吴圩机场) and the division each lies in: one list for every resolver.

A text often names the place and not its division. Dispatch places an address by it; rumor
reads a report naming only the site in the same district as one naming the district. The
list is `landmarks.yaml`, rows under their city's code, each with its path of division names
below the city, resolved here against the national table: a path that does not resolve fails
the load rather than placing reports nowhere. How much a landmark says is the caller's.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

from libs.common.places.divisions import Node, read_divisions
from libs.common.rulefile import load_rule_file

LANDMARKS = Path(__file__).with_name("landmarks.yaml")
Code = Annotated[str, BeforeValidator(str), StringConstraints(pattern=r"^\d{6}$")]


class LandmarkError(ValueError):
    """A landmark's division path does not resolve in the table; the message says which."""


class Landmark(NamedTuple):
    name: str
    code: str  # the deepest division of its path: a county, or a township (9 digits)
    city: str
    note: str = ""


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: Annotated[str, StringConstraints(min_length=2)]
    division: tuple[str, ...]
    note: str = ""


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    cities: dict[Code, tuple[_Row, ...]] = {}


def children_by_name(nodes: Iterable[Node]) -> dict[tuple[str | None, str], str]:
    """(parent code, name) -> code: how a path of names is walked down (`resolve_path`)."""
    return {(n.parent, n.name): n.code for n in nodes}


def resolve_path(city: str, names: tuple[str, ...], children: Mapping[tuple[str | None, str], str]) -> str | None:
    """The code reached from `city` down the division names (青秀区, then a township), or None."""
    code: str | None = city
    for name in names:
        code = children.get((code, name))
        if code is None:
            return None
    return code


@lru_cache(maxsize=2)
def landmarks(path: Path = LANDMARKS) -> tuple[Landmark, ...]:
    """Every landmark of the list, its division resolved; read once (callers share it)."""
    doc = load_rule_file(_File, path, empty_ok=True)
    children = children_by_name(read_divisions().values())
    out: list[Landmark] = []
    for city, rows in doc.cities.items():
        for row in rows:
            code = resolve_path(city, row.division, children)
            if code is None or not row.division:
                raise LandmarkError(f"{path.name}: landmark {row.name}: no division "
                                    f"{'/'.join(row.division)} under {city}")
            out.append(Landmark(row.name, code, city, row.note))
    return tuple(out)

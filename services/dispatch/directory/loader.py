"""Read the jurisdiction data files into a `Directory`, failing loudly on bad data.

`load_directory(path)` reads the city file (e.g. nanning.yaml) and the files it names (the
report centers) over the national division table and the landmark list of `libs.common.places`.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from libs.common.places.divisions import Node, read_divisions
from libs.common.places.landmarks import LANDMARKS, LandmarkError, landmarks
from services.dispatch.directory.directory import Directory
from services.dispatch.directory.models import Landmark, ReportCenter, Unit
from services.dispatch.directory.gazetteer import build_gazetteer

HERE = Path(__file__).parent
DEFAULT_DIRECTORY = HERE / "nanning.yaml"
# The kinds the routing policy needs at city level, whatever the city.
REQUIRED_CITY_KINDS = ("cac", "emergency_center", "leadership", "report_center")
CHILDREN = {"city": ("counties", "county"), "county": ("townships", "township"),
            "township": ("villages", "village")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster


class DirectoryError(ValueError):
    """The directory data is inconsistent; the message says where."""


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


def _units(entry: dict[str, Any], level: str, parent: str | None) -> Iterator[Unit]:
    unit = Unit(code=str(entry["code"]), name=entry["name"], level=level, parent=parent,  # type: ignore[arg-type]
                aliases=entry.get("aliases") or [], weak_aliases=entry.get("weak_aliases") or [],
                departments=entry.get("departments") or [], zone=entry.get("zone"))
    yield unit
    key, child_level = CHILDREN.get(level, ("", ""))
    for child in entry.get(key) or []:
        yield from _units(child, child_level, unit.code)


def _department_units(units: dict[str, Unit]) -> dict[str, str]:
    owner: dict[str, str] = {}
    for unit in units.values():
        for d in unit.departments:
            if d.code in owner:
                raise DirectoryError(
                    f"department code {d.code} used twice ({owner[d.code]}, {unit.code})")
            owner[d.code] = unit.code
    return owner


def _check_city(city: Unit) -> None:
    kinds = {d.kind for d in city.departments}
    missing = [k for k in REQUIRED_CITY_KINDS if k not in kinds]
    if missing:
        raise DirectoryError(f"city {city.name} lacks departments of kind {missing}")


def _merge_nodes(nodes: dict[str, Node], units: dict[str, Unit], province: str) -> None:
    """The city's own units win over the national index (a directory may be newer)."""
    for unit in units.values():
        parent = unit.parent if unit.parent is not None else province
        nodes[unit.code] = Node(unit.code, unit.level, unit.name, parent)


def read_landmarks(path: Path, units: dict[str, Unit], city: str) -> tuple[Landmark, ...]:
    """The city's rows of the shared landmark list (libs/common/places/landmarks.yaml, or the
    file the directory names), each on a division of this directory."""
    try:
        rows = [lm for lm in landmarks(path) if lm.city == city]
    except LandmarkError as e:
        raise DirectoryError(str(e)) from e
    unknown = [lm.name for lm in rows if lm.code not in units]
    if unknown:
        raise DirectoryError(f"landmarks on divisions not in the directory: {', '.join(unknown)}")
    return tuple(Landmark(name=lm.name, code=lm.code, note=lm.note) for lm in rows)


def read_centers(path: Path) -> dict[str, ReportCenter]:
    doc = _read_yaml(path)
    rows = list(doc.get("provinces") or []) + list(doc.get("cities") or [])
    return {str(r["code"]): ReportCenter(**{**r, "code": str(r["code"])}) for r in rows}


def load_directory(path: str | Path = DEFAULT_DIRECTORY) -> Directory:
    """Load a city's directory file and the national data it refers to."""
    path = Path(path)
    doc = _read_yaml(path)
    base = path.parent
    city_doc = doc["city"]
    province = str(city_doc["province"]["code"])
    units = {u.code: u for u in _units(city_doc, "city", province)}
    city_code = str(city_doc["code"])
    _check_city(units[city_code])
    owners = _department_units(units)
    nodes = read_divisions()
    _merge_nodes(nodes, units, province)
    found = read_landmarks(base / doc["landmarks"] if doc.get("landmarks") else LANDMARKS, units, city_code)
    return Directory(
        city_code=city_code, province_code=province, nodes=nodes, units=units,
        centers=read_centers(base / doc["report_centers"]), landmarks=found,
        gazetteer=build_gazetteer(nodes, units, found), department_unit=owners,
        source=str(doc.get("source", "")),
    )

"""The loaded jurisdiction directory and the questions dispatch asks it.

One object holds the national division index (to place and transfer anything in China),
the center's own city with its departments, the report centers and the place-name index.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from libs.common.events import DepartmentRef, Division
from libs.common.places.divisions import Node, ancestors
from services.dispatch.directory.models import Department, Landmark, ReportCenter, Unit
from services.dispatch.directory.gazetteer import Gazetteer


@dataclass(frozen=True, repr=False)
class Directory:
    city_code: str  # e.g. "450100"
    province_code: str  # e.g. "450000"
    nodes: Mapping[str, Node]  # every division known: national index + the city's villages
    units: Mapping[str, Unit]  # the city's own divisions, with departments
    centers: Mapping[str, ReportCenter]  # by city (or province) code
    landmarks: tuple[Landmark, ...]
    gazetteer: Gazetteer
    department_unit: Mapping[str, str]  # department code -> unit code
    source: str = ""
    _ancestor_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False,
                                                        repr=False)

    def __repr__(self) -> str:  # the default would print 45,000 nodes
        return f"Directory(city={self.city_code}, units={len(self.units)}, nodes={len(self.nodes)})"

    @property
    def city(self) -> Unit:
        return self.units[self.city_code]

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The code itself, then its parent, up to the province."""
        cached = self._ancestor_cache.get(code)
        if cached is None:
            cached = self._ancestor_cache[code] = ancestors(code, self.nodes)
        return cached

    def in_city(self, code: str) -> bool:
        return self.city_code in self.ancestors(code)

    def ancestor_at(self, code: str, level: str) -> Node | None:
        for a in self.ancestors(code):
            if self.nodes[a].level == level:
                return self.nodes[a]
        return None

    def division(self, code: str) -> Division:
        """A `Division` whose path lists names from the city down (or the province alone)."""
        node = self.nodes[code]
        chain = [self.nodes[a] for a in self.ancestors(code)]
        below_province = [n for n in chain if n.level != "province"] or chain
        path = [n.name for n in reversed(below_province)]
        return Division(code=node.code, name=node.name, level=node.level, path=path)

    def center_for(self, code: str) -> ReportCenter | None:
        """The report center of the city (else the province) a division belongs to."""
        for level in ("city", "province"):
            node = self.ancestor_at(code, level)
            if node is not None and node.code in self.centers:
                return self.centers[node.code]
        return None

    def all_departments(self) -> list[Department]:
        """Every department, e.g. to create the `dispatch.<code>` topics."""
        return [d for unit in self.units.values() for d in unit.departments]

    def department(self, code: str) -> Department:
        unit = self.units[self.department_unit[code]]
        return next(d for d in unit.departments if d.code == code)

    def unit_of(self, department_code: str) -> Unit:
        return self.units[self.department_unit[department_code]]

    def department_of_kind(self, unit_code: str, kind: str) -> Department | None:
        unit = self.units.get(unit_code)
        if unit is None:
            return None
        return next((d for d in unit.departments if d.kind == kind), None)

    def city_department(self, kind: str) -> DepartmentRef:
        """A city-level department; the loader has checked the required ones exist."""
        department = self.department_of_kind(self.city_code, kind)
        if department is None:
            raise KeyError(f"the city has no {kind} department")
        return department.ref()

    def unit_chain(self, code: str) -> list[Unit]:
        """The city's units from `code` up to the city (most specific first)."""
        return [self.units[a] for a in self.ancestors(code) if a in self.units]

"""Who handles a case (转办), by severity and place; and who is next when one refuses.

Pure: `route(placement, decision, directory=..., policy=...)` follows the graded handling
policy (分级处置, DESIGN.md section 5) with the industry map from rules/routing.yaml;
`reroute(route, rejected_by, ...)` moves a rejected case on, and after two rejections hands
it to the emergency command center for a person to decide.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from libs.common.events import DepartmentRef, Division, TriageDecision
from libs.common.rulefile import load_rule_file
from libs.common.vocabulary import Severity
from services.dispatch.directory import Directory, Unit
from services.dispatch.directory.models import DepartmentKind
from services.dispatch.directory.places import Placement

DEFAULT_ROUTING_POLICY = Path(__file__).parent / "rules" / "routing.yaml"


class RoutingPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    industry_by_category: dict[str, DepartmentKind] = Field(default_factory=dict)
    industry_by_zone: dict[str, DepartmentKind] = Field(default_factory=dict)
    co_departments_by_category: dict[str, list[DepartmentKind]] = Field(default_factory=dict)
    co_departments_by_zone: dict[str, list[DepartmentKind]] = Field(default_factory=dict)
    rejections_before_human: int = 2
    major_copies_industry: bool = True

    def industry_kind(self, decision: TriageDecision) -> DepartmentKind | None:
        if decision.zone and decision.zone in self.industry_by_zone:
            return self.industry_by_zone[decision.zone]
        return self.industry_by_category.get(decision.category)


def load_routing_policy(path: str | Path = DEFAULT_ROUTING_POLICY) -> RoutingPolicy:
    return load_rule_file(RoutingPolicy, path)


class Route(BaseModel):
    """The handler of a case, who works with it, and who is next if it refuses."""

    model_config = ConfigDict(frozen=True)

    routed: bool  # False: not dispatched (invalid report)
    department: DepartmentRef | None
    division: Division  # where the case is placed, whoever handles it
    severity: Severity
    co_departments: list[DepartmentRef] = Field(default_factory=list)  # 会同
    candidates: list[DepartmentRef] = Field(default_factory=list)  # the chain, handler first
    rejected_by: list[str] = Field(default_factory=list)
    transfer_to: str | None = None  # another city's (or province's) center: 移交
    transfer_center: str | None = None
    upward_report: bool = False  # major: report to the leadership above (上报)
    needs_human: bool = False  # rejected too often: a person at the emergency center decides
    reason: str = ""


def route(placement: Placement, decision: TriageDecision, *, directory: Directory,
          policy: RoutingPolicy) -> Route:
    """Route one case. Invalid reports are not routed; other cities' cases are transferred."""
    division, severity = placement.division, decision.severity
    if not decision.valid:
        return Route(routed=False, department=None, division=division, severity=severity,
                     reason="invalid report: not dispatched")
    if not placement.in_city:
        center = directory.city_department("report_center")
        receiver = placement.transfer_center or placement.transfer_to
        return Route(routed=True, department=center, division=division, severity=severity,
                     candidates=[center], transfer_to=placement.transfer_to,
                     transfer_center=placement.transfer_center,
                     reason=f"outside the city: transfer (移交) to {receiver}")
    chain, reason = _chain(placement, decision, directory, policy)
    co = _co_departments(chain[0], decision, directory, policy)
    return Route(routed=True, department=chain[0], division=division, severity=severity,
                 candidates=chain, co_departments=co, upward_report=severity == "major",
                 reason=reason)


def _chain(placement: Placement, decision: TriageDecision, directory: Directory,
           policy: RoutingPolicy) -> tuple[list[DepartmentRef], str]:
    severity = decision.severity
    if severity in ("difficult", "emergency"):
        return [directory.city_department("emergency_center")], \
            f"{severity}: city CAC emergency command center"
    if severity == "major":
        return [directory.city_department("leadership")], \
            "major: CAC leadership on duty, upward report"
    units = directory.unit_chain(placement.division.code)
    industry = policy.industry_kind(decision)
    if severity == "important" and industry:
        county = [directory.department_of_kind(u.code, industry) for u in units
                  if u.level == "county"]
        chain = [directory.city_department(industry), *(d.ref() for d in county if d),
                 directory.city_department("cac")]
        return _dedupe(chain), \
            f"important {decision.category}: city {industry} (industry department)"
    if severity == "important":
        cacs = [_cac(u) for u in units if u.level != "township" or u.zone]
        return _dedupe([d for d in cacs if d]), \
            f"important {decision.category}, no industry department: county (or zone) CAC"
    return _general_chain(units, industry, directory)


def _general_chain(units: list[Unit], industry: DepartmentKind | None,
                   directory: Directory) -> tuple[list[DepartmentRef], str]:
    """General: the local (属地) post where the case is placed, then the levels above."""
    chain = [d for d in (_local(u) for u in units) if d]
    if units and units[0].level == "city" and industry:
        # Placed nowhere more precise: the city department concerned (扬州 8.3).
        chain.insert(0, directory.city_department(industry))
    return _dedupe(chain), "general: local department of the division (属地)"


def _local(unit: Unit) -> DepartmentRef | None:
    """The post that handles general cases in a unit: township office, zone or county CAC."""
    kinds = ("township_office", "cac") if unit.level == "township" else ("cac",)
    for kind in kinds:
        department = next((d for d in unit.departments if d.kind == kind), None)
        if department:
            return department.ref()
    return None


def _cac(unit: Unit) -> DepartmentRef | None:
    department = next((d for d in unit.departments if d.kind == "cac"), None)
    return department.ref() if department else None


def _dedupe(chain: list[DepartmentRef]) -> list[DepartmentRef]:
    first: dict[str, DepartmentRef] = {}
    for department in chain:
        first.setdefault(department.code, department)
    return list(first.values())


def _co_departments(handler: DepartmentRef, decision: TriageDecision, directory: Directory,
                    policy: RoutingPolicy) -> list[DepartmentRef]:
    """Co-departments at the handler's level, else the nearest level above that has one."""
    kinds = list(policy.co_departments_by_category.get(decision.category, []))
    if decision.zone:
        kinds += policy.co_departments_by_zone.get(decision.zone, [])
    if decision.severity == "major" and policy.major_copies_industry:
        industry = policy.industry_kind(decision)
        kinds += [industry] if industry else []
    units = directory.unit_chain(directory.unit_of(handler.code).code)
    found = []
    for kind in dict.fromkeys(kinds):
        department = next((d for u in units for d in u.departments if d.kind == kind), None)
        if department and department.code != handler.code:
            found.append(department.ref())
    return found


def reroute(current: Route, rejected_by: set[str], *, directory: Directory,
            policy: RoutingPolicy) -> Route:
    """The next handler after rejections ("not ours"); too many: a person decides."""
    rejected = list(dict.fromkeys([*current.rejected_by, *sorted(rejected_by)]))
    if not current.routed or current.transfer_to:
        return current.model_copy(update={"rejected_by": rejected})
    nxt = next((d for d in current.candidates if d.code not in rejected), None)
    if nxt is not None and len(rejected) < policy.rejections_before_human:
        return current.model_copy(update={
            "department": nxt, "rejected_by": rejected,
            "reason": f"rejected by {', '.join(rejected)}: next in line {nxt.code}"})
    return _to_human(current, rejected, directory)


def _to_human(current: Route, rejected: list[str], directory: Directory) -> Route:
    human = directory.city_department("emergency_center")
    if human.code in rejected:  # the center itself refused: the leadership on duty decides
        human = directory.city_department("leadership")
    return current.model_copy(update={
        "department": human, "rejected_by": rejected, "needs_human": True,
        "reason": f"rejected {len(rejected)} times ({', '.join(rejected)}): "
                  f"{human.code} decides by hand"})

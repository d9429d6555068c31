"""Dry run of dispatch: JSON lines of triaged reports in, one JSON line per report out.

    python -m services.dispatch.dryrun [FILE]      (standard input without FILE)

Each input line holds the report fields (id, text, channel, location, region_code, ...)
and the triage output (category, zone, severity, valid); a line without them may carry a
`label` object with the same keys instead. Output keys: id, division, department,
transfer_to, deadline_hours. Nothing is published or stored; nothing but JSON reaches
standard output (a line that cannot be read gives {"id", "error"}).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, ValidationError

from libs.common.events import TriageDecision
from libs.common.vocabulary import Category, Severity, Zone
from services.dispatch.deadlines import DeadlinePolicy, load_deadline_policy
from services.dispatch.directory import Directory, load_directory
from services.dispatch.directory.places import Placement, resolve_place
from services.dispatch.routing import Route, RoutingPolicy, load_routing_policy, route


class DryRunReport(BaseModel):
    """One input line: what dispatch needs from the report and from triage."""

    model_config = ConfigDict(extra="ignore")

    id: str
    text: str | None = None  # read for a place only when location and region_code say nothing
    location: str | None = None
    region_code: str | None = None
    category: Category
    zone: Zone | None = None
    severity: Severity
    valid: bool = True

    @classmethod
    def from_line(cls, raw: dict[str, Any]) -> DryRunReport:
        label = raw.get("label")
        label = label if isinstance(label, dict) else {}
        triage = {k: label[k] for k in ("category", "zone", "severity", "valid")
                  if k in label and k not in raw}
        return cls.model_validate({**raw, **triage})


def dispatch_one(report: DryRunReport, *, directory: Directory, routing: RoutingPolicy,
                 deadlines: DeadlinePolicy) -> tuple[Placement, Route, dict[str, Any]]:
    """Place and route one report: the placement, the route and the output line."""
    placement = resolve_place(report.location, report.region_code, directory, text=report.text)
    decision = TriageDecision(category=report.category, zone=report.zone,
                              severity=report.severity, valid=report.valid)
    result = route(placement, decision, directory=directory, policy=routing)
    department = result.department
    line = {
        "id": report.id,
        "division": result.division.model_dump(),
        "department": {"code": department.code, "kind": department.kind} if department else None,
        "transfer_to": result.transfer_to,
        "deadline_hours": _hours(deadlines.hours[report.severity]) if result.routed else None,
    }
    return placement, result, line


def _hours(hours: float) -> float | int:
    return int(hours) if float(hours).is_integer() else hours


def run(lines: Iterable[str], *, directory: Directory, routing: RoutingPolicy,
        deadlines: DeadlinePolicy) -> Iterator[dict[str, Any]]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        raw: Any = None
        try:
            raw = json.loads(text)
            report = DryRunReport.from_line(raw)
        except (ValueError, ValidationError, TypeError, AttributeError) as exc:
            report_id = raw.get("id") if isinstance(raw, dict) else None
            yield {"id": report_id, "error": f"line {number}: {exc}".splitlines()[0]}
            continue
        yield dispatch_one(report, directory=directory, routing=routing, deadlines=deadlines)[2]


def main(argv: list[str] | None = None, stdout: TextIO = sys.stdout,
         directory: Directory | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        return 0
    directory = directory or load_directory()
    source = Path(args[0]).open(encoding="utf-8") if args else sys.stdin
    with source:
        for out in run(source, directory=directory, routing=load_routing_policy(),
                       deadlines=load_deadline_policy()):
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

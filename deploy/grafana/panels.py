"""Small builders for Grafana dashboard JSON (schema 39): panels, targets and the grid.

Plain Python rather than an SDK: four dashboards need a handful of panel kinds, and the
JSON Grafana loads is checked in beside the code that makes it (deploy/grafana/build.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "netreport-prometheus"}  # provisioning/datasources


@dataclass
class Q:
    """One PromQL query of a panel."""

    expr: str
    legend: str = ""
    instant: bool = False
    table: bool = False

    def target(self, ref: str) -> dict[str, Any]:
        return {"datasource": DATASOURCE, "refId": ref, "expr": self.expr, "legendFormat": self.legend,
                "instant": self.instant or self.table, "range": not (self.instant or self.table),
                "format": "table" if self.table else "time_series"}


@dataclass
class Panel:
    kind: str  # stat, timeseries, bargauge, piechart, table
    title: str
    queries: list[Q]
    width: int = 6
    height: int = 6
    unit: str = "short"
    description: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    transformations: list[dict[str, Any]] = field(default_factory=list)
    thresholds: list[tuple[float | None, str]] = field(default_factory=lambda: [(None, "green")])
    # What the panel shows when its query has no series yet (nothing delivered, nothing
    # escalated): a per-label query cannot default to 0 without inventing an unlabelled
    # series (`or vector(0)`), so the panel says it instead.
    no_value: str | None = None


def stat(title: str, expr: str, *, unit: str = "short", red_above: float | None = None, description: str = "", width: int = 4) -> Panel:
    steps = [(None, "green")] + ([(red_above, "red")] if red_above is not None else [])
    return Panel("stat", title, [Q(expr, instant=True)], width=width, height=4, unit=unit, description=description,
                 thresholds=steps, options={"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"})


def series(title: str, *queries: Q, unit: str = "short", width: int = 12, description: str = "",
           no_value: str | None = None) -> Panel:
    return Panel("timeseries", title, list(queries), width=width, height=8, unit=unit, description=description,
                 no_value=no_value)


def bars(title: str, expr: str, legend: str, *, unit: str = "short", width: int = 8, description: str = "",
         no_value: str | None = None) -> Panel:
    return Panel("bargauge", title, [Q(expr, legend, instant=True)], width=width, height=8, unit=unit, description=description,
                 options={"displayMode": "gradient", "orientation": "horizontal", "reduceOptions": {"calcs": ["lastNotNull"]}},
                 no_value=no_value)


def pie(title: str, expr: str, legend: str, *, width: int = 8) -> Panel:
    return Panel("piechart", title, [Q(expr, legend, instant=True)], width=width, height=8,
                 options={"pieType": "donut", "legend": {"displayMode": "table", "placement": "right", "values": ["value"]},
                          "reduceOptions": {"calcs": ["lastNotNull"]}})


def table(title: str, columns: dict[str, str], *, by: str, width: int = 24, description: str = "") -> Panel:
    """One instant query per column, joined on the `by` label (Grafana's merge transformation)."""
    names = {f"Value #{chr(65 + i)}": name for i, name in enumerate(columns)}
    return Panel("table", title, [Q(expr, table=True) for expr in columns.values()], width=width, height=10,
                 description=description, transformations=[
                     {"id": "merge", "options": {}},
                     {"id": "organize", "options": {"excludeByName": {"Time": True}, "renameByName": {by: by, **names}}}])


def dashboard(uid: str, title: str, description: str, panels: list[Panel], *, tags: list[str], refresh: str = "30s") -> dict[str, Any]:
    return {
        "uid": uid, "title": title, "description": description, "tags": ["netreport", *tags],
        "editable": True, "schemaVersion": 39, "version": 1, "refresh": refresh, "timezone": "Asia/Shanghai",
        "time": {"from": "now-24h", "to": "now"}, "graphTooltip": 1, "templating": {"list": []}, "annotations": {"list": []},
        "panels": _laid_out(panels),
    }


def _laid_out(panels: list[Panel]) -> list[dict[str, Any]]:
    """Left to right, wrapping at Grafana's 24 columns."""
    out, x, y, row_height = [], 0, 0, 0
    for number, p in enumerate(panels, start=1):
        if x + p.width > 24:
            x, y, row_height = 0, y + row_height, 0
        out.append({
            "id": number, "type": p.kind, "title": p.title, "description": p.description, "datasource": DATASOURCE,
            "gridPos": {"x": x, "y": y, "w": p.width, "h": p.height},
            "targets": [q.target(chr(65 + i)) for i, q in enumerate(p.queries)],
            "fieldConfig": {"defaults": {"unit": p.unit, "thresholds": {"mode": "absolute", "steps": [
                {"value": v, "color": c} for v, c in p.thresholds]}} | ({"noValue": p.no_value} if p.no_value else {}),
                "overrides": []},
            "options": p.options, "transformations": p.transformations,
        })
        x, row_height = x + p.width, max(row_height, p.height)
    return out


def expressions(board: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL) of every query of a dashboard, for the tests."""
    return [(p["title"], t["expr"]) for p in board["panels"] for t in p["targets"]]


def may_be_empty(board: dict[str, Any]) -> set[str]:
    """The queries of panels that say what "no series yet" means (noValue): no data is an answer."""
    return {t["expr"] for p in board["panels"] if p["fieldConfig"]["defaults"].get("noValue") for t in p["targets"]}

"""The Grafana dashboards: the checked-in JSON is what deploy/grafana/build.py makes, every
panel uses the provisioned data source, and every PromQL query parses (promtool). That
each one also returns data is proven against a real Prometheus in
tests/e2e/test_ops_observability.py."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy.grafana.build import OUT, render
from deploy.grafana.panels import DATASOURCE, expressions

GRAFANA = Path(__file__).resolve().parents[3] / "deploy" / "grafana"


def boards() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(OUT.glob("*.json"))}


def test_checked_in_dashboards_are_what_the_code_builds() -> None:
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in OUT.glob("*.json")}
    assert on_disk == render(), "run: python -m deploy.grafana.build"


def test_the_four_dashboards_an_operator_needs_exist() -> None:
    uids = {b["uid"] for b in boards().values()}
    assert uids == {"netreport-overview", "netreport-departments", "netreport-rumor", "netreport-pipeline"}


def test_every_panel_uses_the_provisioned_datasource_and_fits_the_grid() -> None:
    provisioned = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "netreport.yaml").read_text(encoding="utf-8"))
    uid = provisioned["datasources"][0]["uid"]
    assert uid == DATASOURCE["uid"]
    for board in boards().values():
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids))
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] == uid and all(t["datasource"]["uid"] == uid for t in panel["targets"])
            assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24 and panel["targets"]


def test_dashboard_provider_points_at_a_folder() -> None:
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "netreport.yaml").read_text(encoding="utf-8"))
    assert provider["providers"][0]["type"] == "file" and provider["providers"][0]["options"]["path"]


def test_every_panel_query_parses_as_promql(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is not on PATH: run `make setup` (it installs Debian's prometheus package)")
    rules = [{"record": f"panel:query_{i}", "expr": expr}
             for i, (_, expr) in enumerate(e for b in boards().values() for e in expressions(b))]
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": rules}]}, allow_unicode=True))
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_metric_a_dashboard_or_alert_reads_is_declared_by_the_code() -> None:
    """A renamed metric fails here at once, not only in the end-to-end run."""
    import importlib
    import re

    from prometheus_client import REGISTRY

    from deploy.prometheus.config import RULES

    for module in ("libs.common.metrics", "services.intake.metrics", "services.triage.metrics", "services.dispatch.metrics",
                   "services.dispatch.statistics.census", "services.rumor.metrics"):
        importlib.import_module(module)
    declared = set(REGISTRY._names_to_collectors)  # includes _total, _bucket, ... sample names
    text = "\n".join([*(expr for b in boards().values() for _, expr in expressions(b)),
                      *(p.read_text(encoding="utf-8") for p in RULES.glob("*.yml"))])
    used = set(re.findall(r"\b(netreport_[a-z_]+|process_[a-z_]+)\b", text))
    assert used - declared == set()


def _grouping(expr: str) -> set[str]:
    return {label.strip() for group in re.findall(r"\bby\s*\(([^)]*)\)", expr) for label in group.split(",")} - {""}


def test_every_legend_names_labels_its_query_keeps() -> None:
    """`p50 {severity}` (single braces) is printed literally by Grafana; `{{x}}` needs a label x."""
    for board in boards().values():
        for panel in board["panels"]:
            for target in panel["targets"]:
                legend, expr = target["legendFormat"], target["expr"]
                assert not re.search(r"(?<!\{)\{\s*\w+\s*\}(?!\})", legend), f"{panel['title']}: {legend!r}"
                named = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))
                kept = _grouping(expr) - {"le"} or set(re.findall(r"\b([a-z_]+)=", expr)) | {"job", "instance"}
                assert named <= kept, f"{panel['title']}: {legend!r} names {named - kept}, the query keeps {kept}"


def test_no_per_label_query_adds_an_unlabelled_zero_series() -> None:
    for board in boards().values():
        for title, expr in expressions(board):
            assert not (_grouping(expr) and re.search(r"\bor\s+vector\(", expr)), f"{title}: {expr}"


def test_time_to_close_legend_shows_the_severity() -> None:
    [panel] = [p for p in boards()["netreport-departments.json"]["panels"] if "Time to close" in p["title"]]
    assert [t["legendFormat"] for t in panel["targets"]] == ["p50 {{severity}}", "p95 {{severity}}"]

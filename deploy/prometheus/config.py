"""Renders a Prometheus configuration that scrapes the four services.

One job per service (job="intake", ...), every target labelled system="netreport" so the
alert rules and dashboards select the center's targets whatever else the Prometheus
scrapes. Used by `make run` (deploy/local/localenv.py writes .data/prometheus/) and by the
end-to-end test, which scrapes the test's services every second.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE / "rules"
SERVICES = ("intake", "triage", "dispatch", "rumor")


def render(targets: Mapping[str, str], *, rule_files: list[str] | None = None,
           scrape_interval: str = "15s", evaluation_interval: str = "15s") -> str:
    """`targets` maps a service to its host:port."""
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": evaluation_interval,
                   "external_labels": {"system": "netreport"}},
        "rule_files": rule_files if rule_files is not None else [str(RULES / "*.yml")],
        "scrape_configs": [
            {"job_name": service, "metrics_path": "/metrics",
             "static_configs": [{"targets": [targets[service]], "labels": {"system": "netreport"}}]}
            for service in SERVICES
        ],
    }
    return yaml.safe_dump(config, sort_keys=False)


def write(folder: Path, targets: Mapping[str, str], **options: str) -> Path:
    """Writes `<folder>/prometheus.yml` (the data goes to `<folder>/data`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "prometheus.yml"
    path.write_text(render(targets, **options))  # type: ignore[arg-type]
    return path

"""Prometheus configuration and alert rules, checked by the real promtool (Debian's
prometheus package, installed by `make setup`): the files parse, and every alert fires on
its story and stays quiet on the healthy one (deploy/prometheus/tests/)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from deploy.local.localenv import PORTS
from deploy.prometheus.config import RULES, render

PROMETHEUS = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("promtool")
    if exe is None:
        pytest.fail("promtool is not on PATH: run `make setup` (it installs Debian's prometheus package)")
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


def test_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", *map(str, sorted(RULES.glob("*.yml"))))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_pass_their_unit_tests() -> None:
    result = promtool("test", "rules", *map(str, sorted((PROMETHEUS / "tests").glob("*.yml"))))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_scrape_config_is_valid_and_loads_the_rules() -> None:
    result = promtool("check", "config", str(PROMETHEUS / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 13 rules found" in result.stdout


def test_the_local_config_scrapes_every_service_on_its_make_run_port(tmp_path: Path) -> None:
    config = tmp_path / "prometheus.yml"
    config.write_text(render({s: f"127.0.0.1:{PORTS[s]}" for s in ("intake", "triage", "dispatch", "rumor")}))
    result = promtool("check", "config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    text = config.read_text()
    assert all(f"127.0.0.1:{port}" in text for port in (8001, 8002, 8003, 8004))

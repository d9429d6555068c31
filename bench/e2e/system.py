"""The system under test, started by the benchmark itself: a fresh Kafka and database
(deploy.local.infra) and the four services as processes, exactly as `make run` runs them."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.local.infra import LocalInfra

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "triage", "dispatch", "rumor")
SAMPLE = re.compile(r'^netreport_db_commands_total\{(?P<labels>[^}]*)\} (?P<value>\S+)$', re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Services:
    infra: LocalInfra
    folder: Path
    prefix: str = "bench-"
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "KAFKA_BOOTSTRAP_SERVERS": self.infra.kafka_bootstrap, "MONGO_URI": self.infra.mongo_uri,
            "TOPIC_PREFIX": self.prefix, "MONGO_DB_PREFIX": self.prefix.rstrip("-"), "DATA_DIR": str(self.folder),
            "NETREPORT_SECRET_KEY": "bench-secret-key-0123456789", "LOG_JSON": "true", **self.infra.kafka_env,
            # A load test from one address: the per-address flood limit is lifted (the issue's own setup).
            "INTAKE_RATE_IP_PER_MINUTE": "100000000", "INTAKE_RATE_IP_BURST": "100000",
            "INTAKE_PUBLIC_BASE_URL": f"http://127.0.0.1:{self.ports.get('intake', 0)}",
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
        }

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, timeout: float = 180.0) -> None:
        self.ports = {name: free_port() for name in SERVICES}
        env = self.env
        for name, port in self.ports.items():
            log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - the process owns it
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", f"services.{name}.app:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline, pending = time.monotonic() + timeout, set(SERVICES)
        while pending and time.monotonic() < deadline:
            for name in sorted(pending):
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} exited: {(self.folder / f'{name}.log').read_text()[-2000:]}")
                try:
                    if httpx.get(f"{self.url(name)}/health/ready", timeout=2).status_code == 200:
                        pending.discard(name)
                except httpx.HTTPError:
                    pass
            time.sleep(0.5)
        if pending:
            raise RuntimeError(f"services not ready after {timeout}s: {sorted(pending)}")

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def db_commands(self) -> dict[str, dict[str, float]]:
        """{service: {command: count}} from each service's /metrics."""
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for name in SERVICES:
            text = httpx.get(f"{self.url(name)}/metrics", timeout=10).text
            for m in SAMPLE.finditer(text):
                labels = dict(kv.split("=", 1) for kv in m["labels"].split(","))
                command = labels["command"].strip('"')
                out[name][command] = out[name].get(command, 0.0) + float(m["value"])
        return out

    def pids(self) -> dict[str, int]:
        pids = {name: proc.pid for name, proc in self.procs.items()}
        for server in (self.infra.kafka, self.infra.mongo):
            if server is not None and server.process is not None:
                pids[server.name] = server.process.pid
        pids["load generator"] = os.getpid()
        return pids

    def rss_mb(self) -> dict[str, float]:
        return {name: _rss_mb(pid) for name, pid in self.pids().items() if name != "load generator"}

    def cpu_s(self) -> dict[str, float]:
        """CPU seconds (user + system) each process has used so far: the profile by process."""
        return {name: _cpu_s(pid) for name, pid in self.pids().items()}


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def diff(after: dict[str, dict[str, float]], before: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {s: {c: n - before.get(s, {}).get(c, 0.0) for c, n in cmds.items() if n - before.get(s, {}).get(c, 0.0) > 0}
            for s, cmds in after.items()}

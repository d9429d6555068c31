"""The four services as real processes (uvicorn, exactly as `make run` starts them) on the
real Kafka and database, each its own Kafka principal; for the end-to-end and fault tests.
A service can be killed, paused and started again on the same settings."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from deploy.kafka.access import librdkafka_options, setup
from deploy.local.credentials import principal_password
from deploy.local.probes import create_topics
from deploy.local.topics import planned
from libs.common.kafka_acl import principals
from services.dispatch.directory import load_directory
from services.dispatch.settings import DispatchSettings
from tests.support.auth import E2E_OPERATOR_TOKEN, tokens_entry

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "triage", "dispatch", "rumor")


class NotReady(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def grant_principals(infra: Any, prefix: str, replication_factor: int = 1) -> dict[str, str]:
    """As the cluster's admin: the system's topics (the services may not create any), every
    principal's SCRAM user and the ACLs for this prefix. Returns the passwords."""
    departments = [d.code for d in load_directory(DispatchSettings().directory_file).all_departments()]
    passwords = {p: principal_password("e2e-kafka-principals", p) for p in principals(departments)}
    asyncio.run(create_topics(infra.kafka_bootstrap, {prefix + t: n for t, n in planned().items()},
                              replication_factor=replication_factor, options=infra.kafka_options, timeout=120))
    setup(librdkafka_options(infra.kafka_bootstrap, infra.kafka_options), departments, prefix=prefix, passwords=passwords)
    return passwords


@dataclass
class Services:
    """The processes of one system: `prefix` names its topics and databases."""

    infra: Any
    prefix: str
    logs: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)  # over extra_env, for one service
    ports: dict[str, int] = field(default_factory=lambda: {name: free_port() for name in SERVICES})
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    replication_factor: int = 1  # of the topics start_all creates when missing (3 on the cluster test's brokers)

    @property
    def urls(self) -> dict[str, str]:
        return {name: f"http://127.0.0.1:{self.ports[name]}" for name in SERVICES}

    @property
    def db_prefix(self) -> str:
        return self.prefix.rstrip("-")

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "KAFKA_BOOTSTRAP_SERVERS": self.infra.kafka_bootstrap, "MONGO_URI": self.infra.mongo_uri,
            "TOPIC_PREFIX": self.prefix, "MONGO_DB_PREFIX": self.db_prefix, "DATA_DIR": str(self.logs),
            "NETREPORT_SECRET_KEY": "e2e-secret-key-0123456789", "LOG_JSON": "true",
            "INTAKE_PUBLIC_BASE_URL": self.urls["intake"], "RUMOR_PUBLIC_BASE_URL": self.urls["rumor"],
            "OPERATOR_TOKENS": tokens_entry(E2E_OPERATOR_TOKEN, name="e2e-duty"),
            # The console's evidence and volunteer pages read intake's operator API.
            "DISPATCH_INTAKE_URL": self.urls["intake"], "DISPATCH_INTAKE_TOKEN": E2E_OPERATOR_TOKEN,
        } | self.extra_env

    def start_all(self) -> None:
        self.passwords = grant_principals(self.infra, self.prefix, self.replication_factor)
        for name in SERVICES:
            self.start(name)
        self.wait_ready()

    def start(self, name: str, replica: int = 1) -> str:
        """Start service `name` (again); replica 2, 3, ... is another instance in the same
        consumer groups, on its own port, known as "<name>-<replica>". Returns that key."""
        key = name if replica == 1 else f"{name}-{replica}"
        self.ports.setdefault(key, free_port())
        out = open(self.logs / f"{key}.log", "ab")  # a restart appends: the log tells the whole story
        # Each service is its own Kafka principal, with only the ACLs libs.common.kafka_acl grants it.
        own = {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": name,
               "KAFKA_SASL_PASSWORD": self.passwords[name], "KAFKA_CREATE_TOPICS": "false"}
        self.procs[key] = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"services.{name}.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.ports[key]), "--no-access-log"],
            cwd=ROOT, env=self.env | self.service_env.get(name, {}) | own, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        return key

    def stop(self, key: str) -> None:
        proc = self.procs.pop(key)
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()

    def kill(self, name: str) -> None:
        """kill -9: no shutdown hook runs, nothing is flushed or committed."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def pause(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGSTOP)

    def resume(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGCONT)

    def log(self, name: str, since: int = 0) -> str:
        """What `name` wrote (to stdout and stderr both), from byte `since` of its log on."""
        with open(self.logs / f"{name}.log", "rb") as f:
            f.seek(since)
            return f.read().decode(errors="replace")

    def log_sizes(self) -> dict[str, int]:
        """Where each running process's log ends now: a mark for `log(name, since=...)`."""
        return {key: (self.logs / f"{key}.log").stat().st_size for key in self.procs}

    def ready(self, key: str) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.ports[key]}/health/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, names: tuple[str, ...] | None = None, timeout: float = 90) -> None:
        """Every running process (or those of `names`) answers ready."""
        deadline = time.monotonic() + timeout
        pending = set(names if names is not None else self.procs)
        while pending and time.monotonic() < deadline:
            for name in sorted(pending):
                if self.procs[name].poll() is not None:
                    raise NotReady(f"service {name} exited:\n{self.log(name)[-3000:]}")
                if self.ready(name):
                    pending.discard(name)
            time.sleep(0.5)
        if pending:
            tails = "\n".join(f"--- {n}\n{self.log(n)[-2000:]}" for n in pending)
            raise NotReady(f"services not ready after {timeout}s: {sorted(pending)}\n{tails}")

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)  # a paused process cannot act on SIGTERM
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()

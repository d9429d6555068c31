"""The running system for end-to-end tests: the four services as real processes
(uvicorn, exactly as `make run` starts them) on the real Kafka and database."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncio

import httpx
import pytest

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class System:
    urls: dict[str, str]
    env: dict[str, str]
    topic_prefix: str
    db_prefix: str
    kafka_bootstrap: str
    mongo_uri: str
    logs: Path
    passwords: dict[str, str]  # every Kafka principal's, as its team would be given it

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


@pytest.fixture(scope="session")
def system(infra, tmp_path_factory):
    prefix = f"e2e{os.getpid()}-"
    logs = tmp_path_factory.mktemp("service-logs")
    ports = {name: _free_port() for name in SERVICES}
    env = os.environ | {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap, "MONGO_URI": infra.mongo_uri,
        "TOPIC_PREFIX": prefix, "MONGO_DB_PREFIX": prefix.rstrip("-"), "DATA_DIR": str(logs),
        "NETREPORT_SECRET_KEY": "e2e-secret-key-0123456789", "LOG_JSON": "true",
        "INTAKE_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['intake']}",
        "RUMOR_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['rumor']}",
        "DISPATCH_CHASE_INTERVAL_S": "1",
        # Rumor: the operator API's token, and the media matrix's webhook channels pointed at a
        # local receiver a rumor e2e test runs on this port (tests.support.rumor.ChannelReceiver).
        "OPERATOR_TOKENS": tokens_entry(E2E_OPERATOR_TOKEN, name="e2e-duty"),
        "RUMOR_CHANNEL_DEV_SECRETS": "true",
        "RUMOR_CHANNEL_URL_TEMPLATE": f"http://127.0.0.1:{_free_port()}/channels/{{code}}",
        "RUMOR_DELIVERY_BACKOFF_S": "0.2",
    }
    passwords = _grant_principals(infra, prefix)
    procs = {}
    for name, port in ports.items():
        out = open(logs / f"{name}.log", "wb")
        # Each service is its own Kafka principal, with only the ACLs libs.common.kafka_acl grants it.
        own = {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": name,
               "KAFKA_SASL_PASSWORD": passwords[name], "KAFKA_CREATE_TOPICS": "false"}
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"services.{name}.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            cwd=ROOT, env=env | own, stdout=out, stderr=subprocess.STDOUT,
        )
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        _wait_ready(urls, procs, logs)
        yield System(urls, env, prefix, prefix.rstrip("-"), infra.kafka_bootstrap, infra.mongo_uri, logs, passwords)
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _grant_principals(infra, prefix: str) -> dict[str, str]:
    """As the cluster's admin: the system's topics (the services may not create any), every
    principal's SCRAM user and the ACLs for this run's prefix. Returns the passwords."""
    departments = [d.code for d in load_directory(DispatchSettings().directory_file).all_departments()]
    passwords = {p: principal_password("e2e-kafka-principals", p) for p in principals(departments)}
    asyncio.run(create_topics(infra.kafka_bootstrap, {prefix + t: n for t, n in planned().items()},
                              options=infra.kafka_options, timeout=120))
    setup(librdkafka_options(infra.kafka_bootstrap, infra.kafka_options), departments, prefix=prefix, passwords=passwords)
    return passwords


def _wait_ready(urls: dict[str, str], procs: dict[str, subprocess.Popen], logs: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    pending = set(urls)
    while pending and time.monotonic() < deadline:
        for name in sorted(pending):
            if procs[name].poll() is not None:
                pytest.fail(f"service {name} exited:\n{(logs / f'{name}.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{urls[name]}/health/ready", timeout=2).status_code == 200:
                    pending.discard(name)
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    if pending:
        tails = "\n".join(f"--- {n}\n{(logs / f'{n}.log').read_text()[-2000:]}" for n in pending)
        pytest.fail(f"services not ready after {timeout}s: {sorted(pending)}\n{tails}")

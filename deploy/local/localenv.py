"""Prepares the local data folder for `make run`: one folder for all state, a local secret.

The secret key encrypts reporter data; production injects its own through the
environment. Locally one is generated once and kept under .data/ (never in the repo).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from deploy.prometheus import config as prometheus_config
from deploy.local.credentials import write_principal_passwords
from libs.common.http.access import token_sha256
from libs.common.kafka_acl import principals

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".data"
PORTS = {"kafka": 19092, "kafka_controller": 19093, "mongo": 27027, "intake": 8001, "triage": 8002, "dispatch": 8003, "rumor": 8004,
         "prometheus": 9090}


def local_secret(data: Path = DATA, name: str = "secret.key") -> str:
    """Generated once per data folder, readable by its owner only, never in the repo."""
    path = data / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def local_principals() -> list[str]:
    from services.dispatch.directory import load_directory
    from services.dispatch.settings import DispatchSettings

    return principals([d.code for d in load_directory(DispatchSettings().directory_file).all_departments()])


def local_env(data: Path = DATA) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{PORTS['kafka']}",
        "MONGO_URI": f"mongodb://127.0.0.1:{PORTS['mongo']}",
        "DATA_DIR": str(data),
        "NETREPORT_SECRET_KEY": local_secret(data),
        # One local operator token for every service's operator API (.data/operator.token);
        # the services get only its hash.
        "OPERATOR_TOKENS": f"local-duty:operator:{token_sha256(local_secret(data, 'operator.token'))}",
        # The console's rumor pages call rumor's operator API with the local operator token.
        "DISPATCH_RUMOR_URL": f"http://127.0.0.1:{PORTS['rumor']}",
        "DISPATCH_RUMOR_TOKEN": local_secret(data, "operator.token"),
        "DISPATCH_INTAKE_URL": f"http://127.0.0.1:{PORTS['intake']}",
        "DISPATCH_INTAKE_TOKEN": local_secret(data, "operator.token"),
        # Platforms and channels get secrets derived from the local key, so webhooks can be tried.
        "INTAKE_PLATFORM_DEV_SECRETS": "true",
        "RUMOR_CHANNEL_DEV_SECRETS": "true",
        "INTAKE_PUBLIC_BASE_URL": f"http://127.0.0.1:{PORTS['intake']}",
        "RUMOR_PUBLIC_BASE_URL": f"http://127.0.0.1:{PORTS['rumor']}",
        "PYTHONUNBUFFERED": "1",
        # Topics are created once, before the services start (deploy/local/topics.py), not by each of them.
        "KAFKA_CREATE_TOPICS": "false",
        # Every client authenticates (SCRAM) as its own principal; the broker's ACLs decide the rest.
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_PRINCIPAL_PASSWORDS_DIR": str(data / "kafka-principals"),
        # Kafka's and the database's routine warnings go to their log files only (deploy/local/log4j2.yaml).
        "NETREPORT_CONSOLE_LEVEL": "ERROR",
    }


def main() -> None:
    DATA.mkdir(exist_ok=True)
    env = local_env()
    write_principal_passwords(DATA / "kafka-principals", env["NETREPORT_SECRET_KEY"], local_principals())
    lines = [f"{k}={v}" for k, v in env.items()]
    (DATA / "local.env").write_text("\n".join(lines) + "\n")
    os.chmod(DATA / "local.env", 0o600)
    # Prometheus' config and data live under .data/prometheus, scraping the ports above.
    prometheus_config.write(DATA / "prometheus", {s: f"127.0.0.1:{PORTS[s]}" for s in prometheus_config.SERVICES})


if __name__ == "__main__":
    main()

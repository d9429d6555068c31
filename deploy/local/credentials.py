"""Kafka credentials of the local system (`make run`), made on this machine, never in the repo.

The broker's admin password is made by the broker's first start (deploy/local/servers.py:
.data/kafka/kafka.admin-password). Every other principal (each service, each department)
gets a password derived from the local secret key, written one file per principal under
.data/kafka-principals/ (0600): the topics step creates the SCRAM users from them, each
service reads its own (KAFKA_SASL_PASSWORD_FILE), and a department's client reads its own.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from deploy.local.servers import admin_options


def principal_password(secret: str, principal: str) -> str:
    digest = hmac.new(secret.encode(), f"kafka-principal:{principal}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def write_principal_passwords(folder: Path, secret: str, principals: Iterable[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for name in principals:
        path = folder / name
        password = principal_password(secret, name)
        if not path.exists() or path.read_text().strip() != password:
            path.write_text(password)
            path.chmod(0o600)
    return folder


def local_admin_options(kafka_data: Path, timeout: float = 180.0) -> dict[str, Any]:
    """The admin's options, once the broker has made its password (its first start does)."""
    path = kafka_data / "kafka.admin-password"
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear: is Kafka starting (make run)?")
        time.sleep(0.25)
    return admin_options(path.read_text().strip())

"""The running system for end-to-end tests: the four services as real processes
(uvicorn, exactly as `make run` starts them) on the real Kafka and database
(tests.support.system)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.system import NotReady, Services, free_port


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
    services = Services(infra, prefix, logs, extra_env={
        "DISPATCH_CHASE_INTERVAL_S": "1",
        # Evidence snapshots (证据固定) on, so the console shows what intake kept of a reported URL.
        "INTAKE_EVIDENCE_SNAPSHOT": "true", "INTAKE_SNAPSHOT_TIMEOUT_S": "5",
        # Rumor: the media matrix's webhook channels pointed at a local receiver a rumor e2e
        # test runs on this port (tests.support.rumor.ChannelReceiver).
        "RUMOR_CHANNEL_DEV_SECRETS": "true",
        "RUMOR_CHANNEL_URL_TEMPLATE": f"http://127.0.0.1:{free_port()}/channels/{{code}}",
        "RUMOR_DELIVERY_BACKOFF_S": "0.2",
    })
    try:
        try:
            services.start_all()
        except NotReady as exc:
            pytest.fail(str(exc))
        yield System(services.urls, services.env, prefix, services.db_prefix, infra.kafka_bootstrap, infra.mongo_uri,
                     logs, services.passwords)
    finally:
        services.stop_all()

"""Shared fixtures. `infra` gives tests a real Kafka and a real MongoDB-wire database.

They are started once per session, and only if some test asks for `infra` (unit tests never
start Java). With TEST_KAFKA_BOOTSTRAP / TEST_MONGO_URI set, those external servers are used
instead. A server that cannot start fails the tests that need it, loudly: never a skip.
The machinery lives in deploy/local/infra.py.
"""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest

from deploy.local.infra import InfraError, LocalInfra, start_local_infra
from deploy.local.servers import admin_options
from tests.support import kafka


def _external_kafka_options() -> dict[str, str]:
    """An external broker's admin credentials (TEST_KAFKA_SASL_USERNAME/PASSWORD), or none."""
    user = os.environ.get("TEST_KAFKA_SASL_USERNAME")
    return admin_options(os.environ.get("TEST_KAFKA_SASL_PASSWORD", ""), user) if user else {}


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalInfra]:
    try:
        servers = start_local_infra(tmp_path_factory.mktemp("infra"),
                                    kafka_bootstrap=os.environ.get("TEST_KAFKA_BOOTSTRAP"),
                                    mongo_uri=os.environ.get("TEST_MONGO_URI"),
                                    kafka_options=_external_kafka_options())
    except InfraError as e:
        # pytest.fail's exception, raised `from None` so the reason shows once, not as a chain.
        raise pytest.fail.Exception(f"the real Kafka/database for the tests did not start:\n{e}",
                                    pytrace=False) from None
    # The broker requires SCRAM: in-process services read these settings (as the admin, who
    # may do everything), helpers' own clients read kafka_options(); tests of the ACLs and the
    # end-to-end system use the real per-service and per-department principals.
    kafka.configure(servers.kafka_options)
    saved = {k: os.environ.get(k) for k in servers.kafka_env}
    os.environ.update(servers.kafka_env)
    yield servers
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    servers.stop()


def _unique(request: pytest.FixtureRequest, sep: str) -> str:
    # Readable (test name) and unique (random suffix), within Mongo's 63-byte database names.
    name = re.sub(r"[^A-Za-z0-9]+", sep, request.node.name).strip(sep)[:30]
    return f"t{sep}{name}{sep}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def mongo_db_name(request: pytest.FixtureRequest) -> str:
    """A database name no other test (or earlier run against an external server) uses."""
    return _unique(request, "_")


@pytest.fixture
def topic_prefix(request: pytest.FixtureRequest) -> str:
    """A topic-name prefix of this test's own, e.g. 't-test-x-1a2b3c4d-'."""
    return _unique(request, "-") + "-"


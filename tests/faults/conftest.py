"""One running system for the fault tests (tests.support.system), apart from the e2e one:
its services are killed and paused here. They reach the database through a proxy that can
slow its replies (tests.support.slow_proxy), triage through a lane of its own that can be
slowed alone; the checks read the database directly."""
from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.support.slow_proxy import SlowProxy
from tests.support.system import NotReady, Services


@pytest.fixture(scope="module")
def db_proxy(infra) -> Iterator[SlowProxy | None]:  # type: ignore[no-untyped-def]
    if infra.mongo is None:  # an external database (TEST_MONGO_URI) may be a replica set: no proxy in front
        yield None
        return
    where = urlsplit(infra.mongo_uri)
    proxy = SlowProxy(where.hostname or "127.0.0.1", where.port or 27017, lanes=("triage",)).start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="module")
def services(infra, db_proxy, tmp_path_factory):  # type: ignore[no-untyped-def]
    # The alert replay stretches each real second to a minute (tests.support.alert_replay); the
    # lag probe's cadence is scaled down with it, so its replayed gauges move about once a
    # replayed minute and a hung pass fails in two (production: every 5 s, failed after 10 s).
    extra = {"INTAKE_RATE_IP_PER_MINUTE": "100000", "LAG_PROBE_INTERVAL_S": "1", "LAG_PROBE_TIMEOUT_S": "2"} \
        | ({"MONGO_URI": db_proxy.uri} if db_proxy else {})
    own = {"triage": {"MONGO_URI": db_proxy.uri_of("triage")}} if db_proxy else {}
    system = Services(infra, f"faults{os.getpid()}-", tmp_path_factory.mktemp("fault-logs"), extra_env=extra,
                      service_env=own)
    try:
        try:
            system.start_all()
        except NotReady as exc:
            pytest.fail(str(exc))
        yield system
    finally:
        system.stop_all()

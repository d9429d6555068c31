"""One running system for the fault tests (tests.support.system), apart from the e2e one:
its services are killed and paused here."""
from __future__ import annotations

import os

import pytest

from tests.support.system import NotReady, Services


@pytest.fixture(scope="module")
def services(infra, tmp_path_factory):
    system = Services(infra, f"faults{os.getpid()}-", tmp_path_factory.mktemp("fault-logs"),
                      extra_env={"INTAKE_RATE_IP_PER_MINUTE": "100000"})
    try:
        try:
            system.start_all()
        except NotReady as exc:
            pytest.fail(str(exc))
        yield system
    finally:
        system.stop_all()

"""Fuzzing every service's HTTP API from its own OpenAPI document (schemathesis strategies
driven by hypothesis, in-process ASGI, over the real database and Kafka): no generated
request, valid or not, gets a 5xx, and every answer matches what the document promises
(status codes, content types, response schemas). One test per operation of each
document; operations that need an operator are called with an operator's token."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from libs.common.http.access import DELEGATED
from services.dispatch.app import create_app as dispatch_app
from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.rumor.app import create_app as rumor_app
from tests.support import dispatch as dispatch_kit
from tests.support import intake as intake_kit
from tests.support import rumor as rumor_kit

OPERATOR_TOKEN = "op-token-for-the-fuzzer-0123"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {"intake": 40, "dispatch": 30, "rumor": 25}

APPS: dict[str, Callable[[Any, str, str], FastAPI]] = {
    "intake": lambda infra, prefix, db: intake_app(intake_kit.settings_for(
        infra, prefix, db, operator_token=OPERATOR_TOKEN, rate_ip_per_minute=1_000_000, rate_ip_burst=1_000_000)),
    "dispatch": lambda infra, prefix, db: dispatch_app(dispatch_kit.settings_for(
        infra, prefix, db, operator_token=OPERATOR_TOKEN)),
    "rumor": lambda infra, prefix, db: rumor_app(rumor_kit.settings_for(
        infra, prefix, db, operator_token=OPERATOR_TOKEN), environ={}),
}
BUILT = {  # the apps as documents only (built, not started: no servers needed to list operations)
    "intake": lambda: intake_app(IntakeSettings(NETREPORT_SECRET_KEY=intake_kit.SECRET_KEY)),  # type: ignore[call-arg]
    "dispatch": lambda: dispatch_app(),
    "rumor": lambda: rumor_app(environ={}),
}


def _operations() -> list[tuple[str, str, str, str]]:
    """(service, method, path, access) of every operation; /health/* and /asyncapi.json
    belong to the shared service shell (libs.common.service) and are tested there."""
    out = []
    for service, build in BUILT.items():
        for path, item in build().openapi()["paths"].items():
            if path.startswith(("/health/", "/asyncapi")):
                continue
            out += [(service, method.upper(), path, op["x-access"]) for method, op in item.items() if "responses" in op]
    return out


@pytest.fixture
def schema_of(infra) -> Iterator[Callable[[str], schemathesis.BaseSchema]]:
    # One app per operation: schemathesis' pytest plugin ends every ASGI lifespan after each test.
    def load(service: str) -> schemathesis.BaseSchema:
        suffix = uuid.uuid4().hex[:8]
        app = APPS[service](infra, f"t-fuzz-{suffix}-", f"t_fuzz_{suffix}")
        return schemathesis.openapi.from_asgi("/openapi.json", app)  # runs the app's lifespan

    try:
        yield load
    finally:
        asgi.shutdown_lifespans()


@pytest.mark.parametrize(("service", "method", "path", "access"), _operations())
def test_no_generated_request_gets_a_server_error_or_breaks_the_contract(
        schema_of, service: str, method: str, path: str, access: str) -> None:
    operation = schema_of(service)[path][method]
    cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    auth = None if access in DELEGATED else {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

    @given(case=cases)
    @settings(max_examples=EXAMPLES[service], deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=auth, checks=CHECKS)

    fuzz()

"""Fuzzing intake's HTTP API from its own OpenAPI document (schemathesis strategies driven by
hypothesis, in-process ASGI, over the real database and Kafka): no generated request,
valid or not, gets a 5xx, and every answer matches what the document promises (status
codes, content types, response schemas). One test per operation of the document."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from services.intake.testing import SECRET_KEY, settings_for

OPERATOR_TOKEN = "op-token-for-the-fuzzer-0123"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _operations() -> list[tuple[str, str]]:
    """Every operation in the document (the app is built, not started: no servers needed)."""
    document = create_app(IntakeSettings(NETREPORT_SECRET_KEY=SECRET_KEY)).openapi()  # type: ignore[call-arg]
    # /health/* and /asyncapi.json belong to the shared service shell (libs.common.service).
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item
            if path.startswith("/api/")]


@pytest.fixture
def intake_schema(infra) -> Iterator[schemathesis.BaseSchema]:
    # One app per operation: schemathesis' pytest plugin ends every ASGI lifespan after each test.
    suffix = uuid.uuid4().hex[:8]
    app = create_app(settings_for(
        infra, f"t-fuzz-{suffix}-", f"t_fuzz_{suffix}", operator_token=OPERATOR_TOKEN,
        rate_ip_per_minute=1_000_000, rate_ip_burst=1_000_000))
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)  # runs the app's lifespan
    finally:
        asgi.shutdown_lifespans()


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_generated_request_gets_a_server_error_or_breaks_the_contract(intake_schema, method: str, path: str) -> None:
    operation = intake_schema[path][method]
    cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    auth = {"Authorization": f"Bearer {OPERATOR_TOKEN}"} if "/operator/" in path or path.endswith("/ranking") else None

    @given(case=cases)
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=auth, checks=CHECKS)

    fuzz()


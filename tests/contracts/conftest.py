"""The generated Java and Go clients, built once per test session (tests/contracts/clients.py)."""
from __future__ import annotations

import pytest

from tests.contracts.clients import ROOT, GoClient, JavaClient, build_go, build_java

# Generators read AsyncAPI 3.0 only (deploy/asyncapi-schema/README.md): they get the 3.0 rendition.
GENERATOR_INPUT = ROOT / "deploy" / "asyncapi-3.0.yaml"


@pytest.fixture(scope="session")
def java_client(tmp_path_factory: pytest.TempPathFactory) -> JavaClient:
    return build_java(GENERATOR_INPUT, tmp_path_factory.mktemp("java-client"))


@pytest.fixture(scope="session")
def go_client(tmp_path_factory: pytest.TempPathFactory) -> GoClient:
    return build_go(GENERATOR_INPUT, tmp_path_factory.mktemp("go-client"))

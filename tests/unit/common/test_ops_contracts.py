"""The published contracts are valid documents: AsyncAPI against the official AsyncAPI
3.0.0 JSON Schema (vendored, deploy/asyncapi-schema/), OpenAPI of every service with
openapi-spec-validator, and deploy/asyncapi.yaml is what the code generates today."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from libs.common import events, topics
from libs.common.asyncapi import RESERVED, TOPIC_DOCS, asyncapi_document, to_yaml

ROOT = Path(__file__).resolve().parents[3]
OFFICIAL_SCHEMA = ROOT / "deploy" / "asyncapi-schema" / "asyncapi-3.0.0.json"


def test_asyncapi_document_is_valid_against_the_official_schema() -> None:
    validator = jsonschema.Draft7Validator(json.loads(OFFICIAL_SCHEMA.read_text()))
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(asyncapi_document())]
    assert errors == []


def test_the_official_schema_rejects_a_broken_document() -> None:
    """The validator is not vacuous: a channel without a proper address fails."""
    broken = asyncapi_document() | {"channels": {"x": {"address": 5}}}
    assert list(jsonschema.Draft7Validator(json.loads(OFFICIAL_SCHEMA.read_text())).iter_errors(broken))


def test_checked_in_asyncapi_yaml_is_current() -> None:
    on_disk = (ROOT / "deploy" / "asyncapi.yaml").read_text(encoding="utf-8")
    assert on_disk == to_yaml(asyncapi_document()), "run: python -m libs.common.asyncapi --write deploy/asyncapi.yaml"


def test_every_topic_of_the_registry_is_documented_or_reserved() -> None:
    documented = {doc.address for doc in TOPIC_DOCS}
    assert set(topics.CORE_TOPICS) - set(RESERVED) <= documented
    assert any(a.startswith(topics.DISPATCH_PREFIX) for a in documented)
    assert any(a.startswith(topics.MEDIA_PREFIX) for a in documented)
    assert any(a.endswith(topics.DLQ_SUFFIX) for a in documented)


def test_a_real_event_validates_against_its_documented_payload_schema() -> None:
    doc = asyncapi_document()
    # The payload schemas are pydantic's (JSON Schema 2020-12); their $refs point into the document.
    registry = Registry().with_resource("urn:asyncapi", DRAFT202012.create_resource(doc))
    event = events.ReportSubmitted(report=events.ReportContent(report_id="r1", tracking_no="T1", channel="web", text="有人赌博"))
    schema = {"$ref": "urn:asyncapi#/components/schemas/ReportSubmitted"}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(json.loads(event.model_dump_json()))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema, registry=registry).validate({"report": {"channel": "pigeon"}})


@pytest.fixture(scope="module")
def service_apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The four FastAPI apps, built but not started (no Kafka or database needed)."""
    from services.dispatch.app import create_app as dispatch_app
    from services.intake.app import create_app as intake_app
    from services.intake.settings import IntakeSettings
    from services.rumor.app import create_app as rumor_app
    from services.triage.app import create_app as triage_app

    data = tmp_path_factory.mktemp("openapi")
    intake = intake_app(IntakeSettings(NETREPORT_SECRET_KEY="openapi-test-secret-0123", DATA_DIR=str(data)))
    return {"intake": intake, "triage": triage_app(), "dispatch": dispatch_app(), "rumor": rumor_app()}


@pytest.mark.parametrize("service", ["intake", "triage", "dispatch", "rumor"])
def test_openapi_document_of_each_service_is_valid(service_apps: dict, service: str) -> None:
    spec = service_apps[service].openapi()
    validate_openapi(spec)
    assert "/health/ready" in spec["paths"] and "/asyncapi.json" in spec["paths"]


def test_asyncapi_yaml_round_trips() -> None:
    assert yaml.safe_load((ROOT / "deploy" / "asyncapi.yaml").read_text(encoding="utf-8"))["asyncapi"] == "3.0.0"

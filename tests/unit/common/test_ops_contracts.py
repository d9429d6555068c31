"""The published contracts are valid and say what an integrating team relies on: AsyncAPI
against the official 3.1.0 JSON Schema (and its 3.0 rendition for generators against 3.0.0,
both vendored in deploy/asyncapi-schema/), OpenAPI of every service with
openapi-spec-validator, and the files in deploy/ are what the code generates today. The
generated clients themselves are built and run in tests/contracts/."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT7

from libs.common import events, topics
from libs.common.asyncapi import RESERVED, SCHEMA_DIR, TOPIC_DOCS, asyncapi_document, for_generators, json_schemas, to_json, to_yaml
from libs.common.event_examples import payloads
from libs.common.event_schemas import ENVELOPE, NAMED_ENUMS, SchemaError, component_schemas

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
OFFICIAL = {v: json.loads((DEPLOY / "asyncapi-schema" / f"asyncapi-{v}.json").read_text()) for v in ("3.0.0", "3.1.0")}


def errors(schema: dict[str, Any], document: Any) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in jsonschema.Draft7Validator(schema).iter_errors(document)]


def payload_validator(name: str) -> jsonschema.Draft7Validator:
    """The message's payload schema, its $refs resolved inside the AsyncAPI document."""
    registry = Registry().with_resource("urn:asyncapi", DRAFT7.create_resource(asyncapi_document()))
    return jsonschema.Draft7Validator({"$ref": f"urn:asyncapi#/components/schemas/{name}"}, registry=registry,
                                      format_checker=jsonschema.FormatChecker())


def test_asyncapi_document_is_valid_3_1_and_its_generator_rendition_valid_3_0() -> None:
    assert asyncapi_document()["asyncapi"] == "3.1.0"
    assert errors(OFFICIAL["3.1.0"], asyncapi_document()) == []
    rendition = yaml.safe_load(for_generators(asyncapi_document()))
    assert rendition["asyncapi"] == "3.0.0" and errors(OFFICIAL["3.0.0"], rendition) == []
    assert rendition | {"asyncapi": "3.1.0"} == asyncapi_document()


def test_the_official_schema_rejects_a_broken_document() -> None:
    """The validator is not vacuous: a channel without a proper address fails."""
    assert errors(OFFICIAL["3.1.0"], asyncapi_document() | {"channels": {"x": {"address": 5}}})


def test_checked_in_asyncapi_documents_and_json_schemas_are_current() -> None:
    hint = "run: python -m libs.common.asyncapi --write deploy/asyncapi.yaml"
    assert (DEPLOY / "asyncapi.yaml").read_text(encoding="utf-8") == to_yaml(asyncapi_document()), hint
    assert (DEPLOY / "asyncapi-3.0.yaml").read_text(encoding="utf-8") == for_generators(asyncapi_document()), hint
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (DEPLOY / SCHEMA_DIR).glob("*.json")}
    assert on_disk == {name: to_json(s) for name, s in json_schemas(asyncapi_document()).items()}, hint


def test_every_topic_of_the_registry_is_documented_or_reserved() -> None:
    documented = {doc.address for doc in TOPIC_DOCS}
    assert set(topics.CORE_TOPICS) - set(RESERVED) <= documented
    assert any(a.startswith(topics.DISPATCH_PREFIX) for a in documented)
    assert any(a.startswith(topics.MEDIA_PREFIX) for a in documented)
    assert any(a.endswith(topics.DLQ_SUFFIX) for a in documented)


def test_every_message_has_an_example_that_validates_and_a_standalone_schema_that_agrees() -> None:
    messages = asyncapi_document()["components"]["messages"]
    standalone = json_schemas(asyncapi_document())
    for name, message in messages.items():
        assert message["examples"], f"{name} has no example"
        local = jsonschema.Draft7Validator(standalone[f"{name}.json"], format_checker=jsonschema.FormatChecker())
        for example in message["examples"]:
            payload_validator(name).validate(example["payload"])
            local.validate(example["payload"])
            assert example["headers"]["event-type"] == message["headers"]["properties"]["event-type"]["const"]


def test_schemas_refuse_what_dispatch_refuses_and_insist_on_the_idempotency_id() -> None:
    [(_, _, feedback), *_] = payloads("CaseFeedback")
    validator = payload_validator("CaseFeedback")
    for broken in ({**feedback, "action": "closed"}, {**feedback, "occurred_at": "yesterday"}):
        assert list(validator.iter_errors(broken)), broken
        with pytest.raises(ValueError):  # pydantic's ValidationError: dispatch would dead-letter it
            events.CaseFeedback.model_validate_json(json.dumps(broken))
    # Dispatch would invent an id for an answer without one, and a resent answer would count twice.
    assert list(validator.iter_errors({k: v for k, v in feedback.items() if k != "event_id"}))
    report = events.ReportSubmitted(report=events.ReportContent(report_id="r1", tracking_no="T1", channel="web", text="有人赌博"))
    payload_validator("ReportSubmitted").validate(json.loads(report.model_dump_json()))
    assert list(payload_validator("ReportSubmitted").iter_errors({"report": {"channel": "pigeon"}}))


def _walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((path, node))
        for k, v in node.items():
            found += _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _walk(v, f"{path}[{i}]")
    return found


def test_every_enum_is_one_named_uniquely_titled_schema() -> None:
    schemas = asyncapi_document()["components"]["schemas"]
    inline = [p for name, s in schemas.items() for p, node in _walk(s, name) if "enum" in node and p != name]
    assert inline == []
    enums = {name for name, s in schemas.items() if "enum" in s}
    assert enums == set(NAMED_ENUMS) and all(schemas[n]["title"] == n for n in schemas)
    assert {"CaseEventKind", "ReplyKind", "RumorEventKind", "FeedbackAction", "DeliveryAction"} <= enums
    assert set(schemas["CaseEventKind"]["enum"]) >= {"overdue", "escalated", "closed"}


def test_an_unnamed_enum_fails_the_build() -> None:
    from typing import Literal

    class Sneaky(events.Event):
        mood: Literal["happy", "sad"]

    with pytest.raises(SchemaError, match="unnamed enum"):
        component_schemas([Sneaky])


def test_envelope_fields_are_required_in_every_event_and_nullable_fields_are_optional() -> None:
    schemas = asyncapi_document()["components"]["schemas"]
    for doc in TOPIC_DOCS:
        schema = schemas[doc.model.__name__]
        if issubclass(doc.model, events.Event):
            assert set(ENVELOPE) <= set(schema["required"]), doc.model.__name__
        for name, prop in schema["properties"].items():
            nullable = "null" in (prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")])
            assert not (nullable and name in schema["required"]), f"{doc.model.__name__}.{name}"
    assert schemas["CaseFeedback"]["required"] == [*ENVELOPE, "case_id", "department_code", "action"]


def test_pseudonymous_reporter_ids_and_kafka_security_are_described() -> None:
    doc = asyncapi_document()
    pids = doc["components"]["schemas"]["CaseDispatched"]["properties"]["reporter_pids"]["description"]
    assert "HMAC" in pids and "cannot be reversed" in pids
    assert doc["components"]["securitySchemes"]["scram"]["type"] == "scramSha512"
    assert all(server["security"] for server in doc["servers"].values())
    assert doc["servers"]["production"]["protocol"] == "kafka-secure"
    department = {k: v for k, v in doc["operations"].items() if k.startswith("departments_")}
    grants = {(g["operation"], g["resource"]) for op in department.values() for g in op["x-acl"]}
    assert grants == {("READ", "topic:dispatch.{department_code}"), ("READ", "group:{department_code}-client"),
                      ("WRITE", "topic:cases.feedback")}


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


def test_dispatch_platform_callback_documents_its_body_signature_headers_and_refusals(service_apps: dict) -> None:
    operation = service_apps["dispatch"].openapi()["paths"]["/api/v1/platforms/{platform_id}/feedback"]["post"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert headers["X-Timestamp"]["required"] and headers["X-Signature"]["required"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["case_id"] and set(body["properties"]["status"]["enum"]) == {"accepted", "removed", "rejected"}
    assert {"202", "401", "404", "413", "422"} <= set(operation["responses"])
    assert "HMAC-SHA256" in operation["description"]


def test_rumor_operator_routes_document_their_refusals_with_the_error_body(service_apps: dict) -> None:
    spec = service_apps["rumor"].openapi()
    claims = {(m, p): op for p, item in spec["paths"].items() if p.startswith("/api/v1/claims") for m, op in item.items()}
    assert claims
    for (method, path), op in claims.items():
        codes = set(op["responses"])
        assert {"401", "422", "503"} <= codes, (method, path)
        if "{claim_id}" in path:
            assert "404" in codes, (method, path)
        if method in ("post", "put"):
            assert "409" in codes, (method, path)
        assert op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


# Reviewed in SECURITY.md: a route that answers without an operator's token is a decision.
PUBLIC_SURFACE = {
    "intake": {"public": ["GET /api/v1/reports/{tracking_no}", "GET /asyncapi.json", "GET /health/live", "GET /health/ready",
                          "GET /open311/v2/services.{format}", "GET /open311/v2/services/{service_code}.{format}",
                          "POST /api/v1/reports", "POST /api/v1/volunteers"],
               "signed": ["GET /open311/v2/requests.{format}", "GET /open311/v2/requests/{service_request_id}.{format}",
                          "POST /api/v1/platforms/{platform_id}/reports", "POST /open311/v2/requests.{format}"],
               "volunteer": ["GET /api/v1/volunteers/{volunteer_id}", "POST /api/v1/volunteers/{volunteer_id}/reports"]},
    "triage": {"public": ["GET /asyncapi.json", "GET /health/live", "GET /health/ready"]},
    "dispatch": {"public": ["GET /asyncapi.json", "GET /health/live", "GET /health/ready"],
                 "signed": ["POST /api/v1/platforms/{platform_id}/feedback"]},
    "rumor": {"public": ["GET /asyncapi.json", "GET /health/live", "GET /health/ready", "GET /rebuttals/feed.atom",
                         "GET /rebuttals/{rebuttal_id}"]},
}


@pytest.mark.parametrize("service", ["intake", "triage", "dispatch", "rumor"])
def test_the_public_surface_of_each_service_is_exactly_the_reviewed_list(service_apps: dict, service: str) -> None:
    from libs.common.http.access import DELEGATED, routes_by_access

    opened = {kind: routes for kind, routes in routes_by_access(service_apps[service]).items() if kind in DELEGATED}
    assert opened == PUBLIC_SURFACE[service]

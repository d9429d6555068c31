"""The reference department client answers with stable ids, only for what it handles."""
from __future__ import annotations

from datetime import UTC, datetime

from libs.common.events import CaseFeedback
from services.dispatch.department_client import ClientConfig, answers_for, concerns, parse_args

NOW = datetime(2025, 3, 10, tzinfo=UTC)
CASE = {"case_id": "case-1", "dispatch_no": 2, "role": "handler", "department": {"code": "nn-city-police"}}


def test_accept_then_handle_with_ids_stable_across_restarts():
    config = ClientConfig(department="nn-city-police", accept=True, outcome="handled", result="已查处")
    first, again = answers_for(CASE, config, NOW), answers_for(CASE, config, NOW)
    assert [m["action"] for m in first] == ["accepted", "handled"]
    assert [m["event_id"] for m in first] == [m["event_id"] for m in again]
    parsed = [CaseFeedback.model_validate(m) for m in first]  # the shape dispatch reads
    assert parsed[1].result == "已查处" and parsed[1].dispatch_no == 2


def test_copies_are_not_answered_unless_asked():
    config = ClientConfig(department="nn-city-police", outcome="handled")
    assert answers_for(CASE | {"role": "co"}, config, NOW) == []
    assert answers_for(CASE | {"role": "supervisor"}, config, NOW) == []
    supervisor = ClientConfig(department="nn-city-police", outcome="handled", roles=("handler", "supervisor"))
    assert [m["action"] for m in answers_for(CASE | {"role": "supervisor"}, supervisor, NOW)] == ["handled"]


def test_only_the_named_cases_are_answered():
    config = ClientConfig(department="nn-city-police", outcome="rejected", only_cases=("case-2",))
    assert answers_for(CASE, config, NOW) == []


def test_command_line():
    config, watch, limit = parse_args(["--department", "nn-city-police", "--accept", "--reject", "不属本单位", "--max", "1"])
    assert (config.outcome, config.result, config.accept, limit, watch) == ("rejected", "不属本单位", True, 1, False)


def test_events_about_this_department():
    assert concerns({"department_code": "nn-city-police"}, "nn-city-police")
    assert concerns({"department_code": "x", "data": {"to_department": "nn-city-police"}}, "nn-city-police")
    assert not concerns({"department_code": "x", "data": {}}, "nn-city-police")


def test_scram_credentials_are_passed_to_kafka_and_the_password_never_comes_from_argv(monkeypatch):
    from services.dispatch.department_client import kafka_options

    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    config, _, _ = parse_args(["--department", "nn-city-police", "--sasl-user", "dept-nn-city-police", "--tls"])
    options = kafka_options(config)
    assert (options["security_protocol"], options["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("dept-nn-city-police", "s3cret")
    plain, _, _ = parse_args(["--department", "nn-city-police"])
    assert kafka_options(plain) == {"bootstrap_servers": "127.0.0.1:9092"}


def test_the_event_keys_the_client_filters_on_are_published_in_the_contract():
    from libs.common.asyncapi import asyncapi_document
    from services.dispatch.department_client import DEPARTMENT_KEYS

    data = asyncapi_document()["components"]["schemas"]["CaseEventData"]["properties"]
    assert set(DEPARTMENT_KEYS) <= set(data) and all(data[k]["description"] for k in DEPARTMENT_KEYS)

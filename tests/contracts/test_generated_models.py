"""Models generated from the published AsyncAPI document with the official generator compile
(javac, go build) and read every documented example back without losing a value: one enum
type per closed set (no `Kind` shared by three events), every CaseEvent kind and feedback
action known, nullable fields optional."""
from __future__ import annotations

from libs.common.asyncapi import asyncapi_document
from libs.common.event_examples import payloads

from tests.contracts.clients import GoClient, JavaClient, differences


def examples() -> list[tuple[str, dict]]:
    return [(name, payload) for name in asyncapi_document()["components"]["messages"] for _, _, payload in payloads(name)]


def every_value_of(enum: str) -> list[tuple[str, dict]]:
    """A CaseEvent per kind, or a CaseFeedback per action: values a shared enum type used to lose."""
    [(_, base)] = [e for e in examples() if e[0] == "CaseEvent"][:1]
    values = asyncapi_document()["components"]["schemas"][enum]["enum"]
    if enum == "FeedbackAction":
        [(_, feedback), *_] = [e for e in examples() if e[0] == "CaseFeedback"]
        return [("CaseFeedback", feedback | {"action": v}) for v in values]
    return [("CaseEvent", base | {"kind": v}) for v in values]


def check(decoded: list[tuple[str, object]], sent: list[tuple[str, dict]]) -> None:
    components = asyncapi_document()["components"]["schemas"]
    assert [name for name, _ in decoded] == [name for name, _ in sent], decoded
    problems = [f"{name}: {body}" for name, body in decoded if isinstance(body, str)]
    for (name, original), (_, back) in zip(sent, decoded):
        if not isinstance(back, str):
            problems += [f"{name} {d}" for d in differences(original, back, components[name], components)]
    assert problems == []


def test_java_models_read_every_example_and_every_enum_value(java_client: JavaClient) -> None:
    sent = examples() + every_value_of("CaseEventKind") + every_value_of("FeedbackAction")
    check(java_client.decode(sent), sent)


def test_go_models_read_every_example_and_every_enum_value(go_client: GoClient) -> None:
    sent = examples() + every_value_of("CaseEventKind") + every_value_of("FeedbackAction")
    check(go_client.decode(sent), sent)


def test_an_unknown_enum_value_is_refused_by_java_not_read_as_another(java_client: JavaClient) -> None:
    [(name, event), *_] = every_value_of("CaseEventKind")
    [(_, answer)] = java_client.decode([(name, event | {"kind": "no_such_kind"})])
    assert isinstance(answer, str) and "no_such_kind" in answer

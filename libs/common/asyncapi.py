"""The AsyncAPI 3.1 document of every Kafka topic, and one JSON Schema per event, from the code.

Topic names and partitions come from libs.common.topics, payload schemas from the pydantic
event models (libs.common.event_schemas), examples from real model instances
(libs.common.event_examples), so the document cannot drift from what is published. It is
served by every service at `/asyncapi.json` and written for integrators (departments,
platforms, other cities' centers), with the schemas beside it in deploy/schemas/:

    python -m libs.common.asyncapi --write deploy/asyncapi.yaml
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from libs.common import event_examples, events, topics
from libs.common.event_schemas import ENVELOPE, component_schemas, standalone

VERSION = "1.1.0"  # of the topic contract; raise it with every breaking change of an event
SCHEMA_DIR = "schemas"  # beside the YAML: deploy/schemas/<Message>.json
SCRAM = {"$ref": "#/components/securitySchemes/scram"}
DEPARTMENT = "User:dept-{department_code}"


@dataclass(frozen=True)
class TopicDoc:
    address: str
    model: type[BaseModel]
    description: str
    senders: tuple[str, ...]
    receivers: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)
    partitions: int = topics.DEFAULT_PARTITIONS
    inbound: bool = False  # written by parties outside the center: the schema is what we accept


TOPIC_DOCS: tuple[TopicDoc, ...] = (
    TopicDoc(topics.REPORTS_SUBMITTED, events.ReportSubmitted, "举报受理: a report intake accepted (no reporter contact data).",
             ("intake",), ("triage",)),
    TopicDoc(topics.REPORTS_TRIAGED, events.ReportTriaged, "研判: a report judged (category, zone, severity, reasons) and attached to a case.",
             ("triage",), ("dispatch", "rumor")),
    TopicDoc(topics.REPORTS_REPLIES, events.ReporterReply, "回复: a reply to a reporter, stored by intake on the status record.",
             ("triage", "dispatch", "rumor"), ("intake",)),
    TopicDoc(topics.CASES_FEEDBACK, events.CaseFeedback,
             "反馈: a department (or, through dispatch's signed callback, a platform) answers on a case: accepted, "
             "handled, removed, rejected. Give `dispatch_no` from the CaseDispatched you answer, so an answer to an "
             "earlier round is recognised as stale; derive `event_id` from (case, round, action) so a resent answer "
             "is applied once.",
             ("departments", "dispatch"), ("dispatch",), inbound=True),
    TopicDoc(topics.CASES_EVENTS, events.CaseEvent, "What happened to a case: 催办 reminder, overdue, 督办 escalation, closed, 移交, upward report, 09:00 digest.",
             ("dispatch",), ("operators",)),
    TopicDoc(topics.CASES_TRANSFERRED, events.CaseTransferred, "移交: a case outside the city, handed to that city's report center.",
             ("dispatch",), ("other_city_centers",)),
    TopicDoc(topics.CASES_TAKEDOWN, events.TakedownRequested, "Takedown: a case's content sent to the platform hosting it for removal; "
             "dispatch delivers it to the platform as a signed HTTP callback (platforms do not read Kafka).",
             ("dispatch",), ("dispatch",)),
    TopicDoc(topics.RUMORS_EVENTS, events.RumorEvent, "The rumor loop: claim created, 谣言预警 alert, rebuttal published, delivered, failed.",
             ("rumor",), ("dispatch", "operators")),
    TopicDoc(topics.DUTY_PAGES, events.DutyPage,
             "值班呼叫: every step of a page to the staff on duty: a major or emergency case, a rumor alert, an overdue "
             "important case, a channel that stays down, a shift nobody checked in to, a handover not acknowledged. "
             "Paged to the A on duty, escalated to the B, then the leader when not acknowledged in time.",
             ("dispatch",), ("dispatch", "operators")),
    TopicDoc(f"{topics.DISPATCH_PREFIX}{{department_code}}", events.CaseDispatched,
             "转办: a case handed to one department, one topic per department of the directory, read by that department "
             "only. No contact data of any reporter: reporters appear only as `reporter_pids`, pseudonyms the "
             "department cannot reverse. Answer on cases.feedback.",
             ("dispatch",), ("departments",), {"department_code": "Department code from the jurisdiction directory, e.g. nn-city-police."},
             partitions=topics.DEPARTMENT_PARTITIONS),
    TopicDoc(f"{topics.MEDIA_PREFIX}{{channel}}", events.MediaDelivery,
             "辟谣发布: one rebuttal version for one channel of the media matrix, read by rumor's delivery workers, which "
             "deliver it over the channel's adapter (HTTP) with retries; a channel that stays down ends in media.<channel>.dlq.",
             ("rumor",), ("rumor",), {"channel": "Media-matrix channel code (services/rumor/rules/channels/)."}, partitions=1),
    TopicDoc(f"{{topic}}{topics.DLQ_SUFFIX}", events.DeadLetter,
             "Dead letters: a message a consumer could not handle, with the reason and the original bytes (base64).",
             ("intake", "triage", "dispatch", "rumor"), ("operators",), {"topic": "The design name of the topic the message came from."},
             partitions=1),
)
# Named in topics.py with no event model yet: listed so the test notices when one appears.
RESERVED: dict[str, str] = {}

DESCRIPTION = f"""\
Every topic carries one event family, JSON-encoded (UTF-8), keyed by case id (report id before a case \
exists), so one case's events stay in order on one partition.

**Envelope.** Every event has {", ".join(f"`{f}`" for f in ENVELOPE)}. Delivery is at-least-once: a \
consumer skips an `event_id` it has handled. The header `event-type` repeats `type`, so a reader can route \
before parsing. Unknown fields may be added without a version bump: ignore what you do not know.

**Personal data.** No topic carries a reporter's contact details. Reporters appear only as \
`reporter_pid`/`reporter_pids`: {events.REPORTER_PID}

**Security.** The brokers require SASL with SCRAM-SHA-512: over SASL_SSL in production, over \
SASL_PLAINTEXT on the local single node. There is one principal per service (User:intake, User:triage, \
User:dispatch, User:rumor) and one per department ({DEPARTMENT}); ACLs deny by default. A department may \
READ only its own topic dispatch.<department_code> (with consumer group <department_code>-client) and WRITE \
only cases.feedback. Platforms and media channels never connect to Kafka: they use signed HTTP. The \
`x-acl` of each operation lists what its principal is granted.

**Schemas.** Payloads are draft-07 JSON Schema; every closed set of values is a named schema, so a \
generated client gets one enum type per set. Each event is also published as a standalone JSON Schema: \
deploy/{SCHEMA_DIR}/<MessageName>.json."""


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _event_type(model: type[BaseModel]) -> str:
    return model.model_fields["type"].default if "type" in model.model_fields else "dead_letter"


def _message(doc: TopicDoc) -> dict[str, Any]:
    name = doc.model.__name__
    key = "The case id (or the report id before a case exists): one case's events stay in order on one partition."
    return {
        "name": name, "title": name, "summary": (doc.model.__doc__ or "").strip().splitlines()[0],
        "contentType": "application/json",
        "headers": {"type": "object", "properties": {
            "event-type": {"type": "string", "const": _event_type(doc.model),
                           "description": "The event's `type`, so a reader can route before parsing."},
            "content-type": {"type": "string", "const": "application/json"}}},
        "payload": {"$ref": f"#/components/schemas/{name}"},
        "bindings": {"kafka": {"key": {"type": "string", "description": key}, "bindingVersion": "0.5.0"}},
        "examples": [{"name": n, "summary": s, "headers": {"event-type": _event_type(doc.model), "content-type": "application/json"},
                      "payload": p} for n, s, p in event_examples.payloads(name)],
    }


def _acl(party: str, action: str, doc: TopicDoc) -> list[dict[str, str]]:
    operation = "WRITE" if action == "send" else "READ"
    if party == "departments":
        grants = [{"principal": DEPARTMENT, "operation": operation, "resource": f"topic:{doc.address}"}]
        if action == "receive":
            grants.append({"principal": DEPARTMENT, "operation": "READ", "resource": "group:{department_code}-client"})
        return grants
    if party in ("intake", "triage", "dispatch", "rumor"):
        return [{"principal": f"User:{party}", "operation": operation, "resource": f"topic:{doc.address}"}]
    return [{"principal": f"User:{party} (granted by the center)", "operation": operation, "resource": f"topic:{doc.address}"}]


def _operation(party: str, action: str, doc: TopicDoc, cid: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "action": action, "title": f"{party} {action}s on {doc.address}",
        "channel": {"$ref": f"#/channels/{cid}"},
        "messages": [{"$ref": f"#/channels/{cid}/messages/{doc.model.__name__}"}],
        "security": [SCRAM], "x-acl": _acl(party, action, doc),
    }
    if party == "departments" and action == "receive":
        operation["bindings"] = {"kafka": {"groupId": {"type": "string", "description": "<department_code>-client: the "
                                                       "group the department's ACL allows."}, "bindingVersion": "0.5.0"}}
    return operation


def _schemas() -> dict[str, Any]:
    return component_schemas([d.model for d in TOPIC_DOCS if not d.inbound], [d.model for d in TOPIC_DOCS if d.inbound])


@functools.cache
def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for doc in TOPIC_DOCS:
        cid, name = _ident(doc.address), doc.model.__name__
        messages[name] = _message(doc)
        channel: dict[str, Any] = {"address": doc.address, "description": doc.description,
                                   "messages": {name: {"$ref": f"#/components/messages/{name}"}},
                                   "bindings": {"kafka": {"partitions": doc.partitions, "bindingVersion": "0.5.0"}}}
        if doc.parameters:
            channel["parameters"] = {p: {"description": d} for p, d in doc.parameters.items()}
        channels[cid] = channel
        for action, parties in (("send", doc.senders), ("receive", doc.receivers)):
            for party in parties:
                operations[f"{party}_{action}_{cid}"] = _operation(party, action, doc, cid)
    return {
        "asyncapi": "3.1.0",
        "info": {"title": "网络举报 report center: Kafka topics", "version": VERSION,
                 "description": DESCRIPTION + "".join(f" Named but not produced yet: {t} ({why})." for t, why in RESERVED.items())},
        "defaultContentType": "application/json",
        "servers": {
            "production": {"host": "kafka:9093", "protocol": "kafka-secure", "security": [SCRAM],
                           "description": "The center's Kafka cluster (KAFKA_BOOTSTRAP_SERVERS): SASL_SSL, SCRAM-SHA-512, "
                                          "the broker certificates signed by the center's CA."},
            "local": {"host": "127.0.0.1:19092", "protocol": "kafka", "security": [SCRAM],
                      "description": "The single node `make run` starts: SASL_PLAINTEXT, SCRAM-SHA-512."},
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages, "schemas": _schemas(),
            "securitySchemes": {"scram": {"type": "scramSha512", "description": (
                "One principal per service and per department; credentials are issued by the center's Kafka "
                "operators. Clients set security.protocol=SASL_SSL (production) or SASL_PLAINTEXT (local) and "
                "sasl.mechanism=SCRAM-SHA-512.")}},
        },
    }


def json_schemas(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{file name: standalone JSON Schema} for every message of the document."""
    components = document["components"]["schemas"]
    return {f"{name}.json": standalone(name, components, schema_id=f"{name}.json")
            for name in sorted(document["components"]["messages"])}


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


def to_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


GENERATOR_NOTE = ("# The AsyncAPI 3.1 document (asyncapi.yaml beside this file) declared 3.0.0, for code generators that\n"
                  "# read only 3.0 (Modelina, behind `asyncapi generate models`). It uses nothing 3.1 adds. Generated.\n")


def for_generators(document: dict[str, Any]) -> str:
    """The same document as AsyncAPI 3.0.0 (deploy/asyncapi-3.0.yaml)."""
    return GENERATOR_NOTE + to_yaml(document | {"asyncapi": "3.0.0"})


def write(target: Path) -> None:
    """The YAML at `target`, its 3.0 rendition and the JSON Schemas beside it."""
    document = asyncapi_document()
    target.write_text(to_yaml(document), encoding="utf-8")
    target.with_name(f"{target.stem}-3.0{target.suffix}").write_text(for_generators(document), encoding="utf-8")
    folder = target.parent / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    wanted = json_schemas(document)
    for stale in set(p.name for p in folder.glob("*.json")) - set(wanted):
        (folder / stale).unlink()
    for name, schema in wanted.items():
        (folder / name).write_text(to_json(schema), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help=f"write the YAML here and the JSON Schemas to {SCHEMA_DIR}/ beside it "
                                                   "(default: print the YAML)")
    args = parser.parse_args(argv)
    if args.write:
        write(args.write)
    else:
        sys.stdout.write(to_yaml(asyncapi_document()))


if __name__ == "__main__":
    main()

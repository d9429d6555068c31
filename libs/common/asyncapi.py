"""The AsyncAPI 3.0 document of every Kafka topic, generated from the code.

Topic names come from libs.common.topics, payload schemas from the pydantic event models
(libs.common.events), so the document cannot drift from what is really published. It is
served by every service at `/asyncapi.json` and written for integrators (departments,
platforms, other cities' centers) to deploy/asyncapi.yaml:

    python -m libs.common.asyncapi --write deploy/asyncapi.yaml
"""
from __future__ import annotations

import argparse
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from libs.common import events, topics

VERSION = "1.0.0"  # of the topic contract; raise it with every breaking change of an event


@dataclass(frozen=True)
class TopicDoc:
    address: str
    model: type[BaseModel]
    description: str
    senders: tuple[str, ...]
    receivers: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)


TOPIC_DOCS: tuple[TopicDoc, ...] = (
    TopicDoc(topics.REPORTS_SUBMITTED, events.ReportSubmitted, "举报受理: a report intake accepted (no reporter contact data).",
             ("intake",), ("triage",)),
    TopicDoc(topics.REPORTS_TRIAGED, events.ReportTriaged, "研判: a report judged (category, zone, severity, reasons) and attached to a case.",
             ("triage",), ("dispatch", "rumor")),
    TopicDoc(topics.REPORTS_REPLIES, events.ReporterReply, "回复: a reply to a reporter, stored by intake on the status record.",
             ("triage", "dispatch", "rumor"), ("intake",)),
    TopicDoc(topics.CASES_FEEDBACK, events.CaseFeedback, "反馈: a department (or platform) answers on a case: accepted, handled, removed, rejected.",
             ("departments",), ("dispatch",)),
    TopicDoc(topics.CASES_EVENTS, events.CaseEvent, "What happened to a case: 催办 reminder, overdue, 督办 escalation, closed, 移交, upward report, 09:00 digest.",
             ("dispatch",), ("operators",)),
    TopicDoc(topics.CASES_TRANSFERRED, events.CaseTransferred, "移交: a case outside the city, handed to that city's report center.",
             ("dispatch",), ("other_city_centers",)),
    TopicDoc(topics.CASES_TAKEDOWN, events.TakedownRequested, "Takedown: a case's content sent to the platform hosting it for removal (signed HTTP callback).",
             ("dispatch",), ("platforms",)),
    TopicDoc(topics.RUMORS_EVENTS, events.RumorEvent, "The rumor loop: claim created, 谣言预警 alert, rebuttal published, delivered, failed.",
             ("rumor",), ("operators",)),
    TopicDoc(f"{topics.DISPATCH_PREFIX}{{department_code}}", events.CaseDispatched,
             "转办: a case handed to one department, one topic per department of the directory. No personal data.",
             ("dispatch",), ("departments",), {"department_code": "Department code from the jurisdiction directory, e.g. nn-city-police."}),
    TopicDoc(f"{topics.MEDIA_PREFIX}{{channel}}", events.MediaDelivery,
             "辟谣发布: one rebuttal version for one channel of the media matrix (website, WeChat, Weibo, Toutiao, alliance members).",
             ("rumor",), ("media_channels",), {"channel": "Media-matrix channel code."}),
    TopicDoc(f"{{topic}}{topics.DLQ_SUFFIX}", events.DeadLetter,
             "Dead letters: a message a consumer could not handle, with the reason and the original bytes (base64).",
             ("intake", "triage", "dispatch", "rumor"), ("operators",), {"topic": "The design name of the topic the message came from."}),
)
# Named in topics.py with no event model yet: listed so the test notices when one appears.
RESERVED: dict[str, str] = {}


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _message(model: type[BaseModel], key: str) -> dict[str, Any]:
    name = model.__name__
    return {
        "name": name, "title": name, "summary": (model.__doc__ or "").strip().splitlines()[0],
        "contentType": "application/json",
        "headers": {"type": "object", "properties": {
            "event-type": {"type": "string", "description": "The event's `type` field, so a reader can route before parsing."},
            "content-type": {"type": "string", "const": "application/json"}}},
        "payload": {"$ref": f"#/components/schemas/{name}"},
        "bindings": {"kafka": {"key": {"type": "string", "description": key}, "bindingVersion": "0.5.0"}},
    }


def _schemas() -> dict[str, Any]:
    models = [doc.model for doc in TOPIC_DOCS]
    _, top = models_json_schema([(m, "serialization") for m in models], ref_template="#/components/schemas/{model}")
    return dict(sorted(top.get("$defs", {}).items()))


@functools.cache
def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for doc in TOPIC_DOCS:
        cid, name = _ident(doc.address), doc.model.__name__
        key = "The case id (or the report id before a case exists): one case's events stay in order on one partition."
        messages[name] = _message(doc.model, key)
        channel: dict[str, Any] = {"address": doc.address, "description": doc.description,
                                   "messages": {name: {"$ref": f"#/components/messages/{name}"}}}
        if doc.parameters:
            channel["parameters"] = {p: {"description": d} for p, d in doc.parameters.items()}
        channels[cid] = channel
        for action, parties in (("send", doc.senders), ("receive", doc.receivers)):
            for party in parties:
                operations[f"{party}_{action}_{cid}"] = {
                    "action": action, "title": f"{party} {action}s on {doc.address}",
                    "channel": {"$ref": f"#/channels/{cid}"},
                    "messages": [{"$ref": f"#/channels/{cid}/messages/{name}"}],
                }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "网络举报 report center: Kafka topics", "version": VERSION,
            "description": ("Every topic carries one event family, JSON-encoded, keyed by case id (report id before a "
                            "case exists), with `schema_version` and an `event_id` for idempotency. Delivery is "
                            "at-least-once: consumers skip repeated event ids."
                            + "".join(f" Named but not produced yet: {t} ({why})." for t, why in RESERVED.items())),
        },
        "defaultContentType": "application/json",
        "servers": {"production": {"host": "kafka:9092", "protocol": "kafka",
                                   "description": "The center's Kafka cluster (KAFKA_BOOTSTRAP_SERVERS)."}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": _schemas()},
    }


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the YAML here (default: print it)")
    args = parser.parse_args(argv)
    text = to_yaml(asyncapi_document())
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

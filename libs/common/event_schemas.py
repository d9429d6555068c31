"""The events' JSON Schemas, shaped so validators accept exactly the messages on the topics
and code generators (the AsyncAPI generator's Modelina for Java, Go, ...) make usable clients.

They start as pydantic's schemas of the models in libs.common.events and are rewritten:
- every closed set of values is one named schema (NAMED_ENUMS), referenced where it is
  used: generators name enum types by title, so inline enums titled by field name (`kind`,
  `action`, `role`) collapsed into one type each and lost values. An enum the registry does
  not know fails the build, so a new inline Literal cannot slip through unnamed;
- Optional[X] (pydantic: `anyOf: [X, null]`) becomes `type: [T, "null"]`, and for a named X
  `if: {type: T}, then: {$ref: X}` under X's title. It validates exactly like the anyOf;
  Modelina 4.4 turns `anyOf: [$ref, null]` into an untyped Object (Java) or a wrapper that
  does not decode (Go), but this form into the named type;
- property titles ("Zone Hint", ...) are dropped, since each would become a type of its own;
  an inline object with a title of its own (CaseEvent.data) becomes a named schema;
- `required`: an event the services publish lists every field that is never null (each
  field is always written; a nullable one is left optional, so a generated client gets an
  optional type for it); an event others publish to us (CaseFeedback) lists what we need to
  read it plus the envelope (ENVELOPE), so a generated client cannot leave out the
  idempotency id.
Every schema is draft-07, the dialect of AsyncAPI Schema objects; `standalone()` makes one
self-contained JSON Schema document per event (deploy/schemas/).
"""
from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from libs.common import events, vocabulary

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
COMPONENTS = "#/components/schemas/"
ENVELOPE = ("schema_version", "event_id", "occurred_at", "type")

NAMED_ENUMS: dict[str, tuple[Any, str]] = {
    "Category": (vocabulary.Category, "举报类型: the category of harmful information."),
    "Zone": (vocabulary.Zone, "举报专区: the special zone, a second label."),
    "Severity": (vocabulary.Severity, "分级处置: handling level, lowest to highest."),
    "Channel": (vocabulary.Channel, "How the report came in."),
    "DispatchRole": (events.DispatchRole, "handler must act; co acts with the handler (会同); supervisor is the level "
                                          "above after the deadline passed (督办). The handler's answer closes the case."),
    "TakedownRole": (events.TakedownRole, "handler: the platform's removal settles the case; co: a department handles "
                                          "it and the platform removes the content meanwhile."),
    "DivisionLevel": (events.DivisionLevel, "Level of an administrative division."),
    "FeedbackAction": (events.FeedbackAction, "accepted (已受理); handled with a result (办结); removed: the content is "
                                              "deleted (re-checked later); rejected: not ours (非本单位职责), re-routed."),
    "CaseEventKind": (events.CaseEventKind, "What happened to a case."),
    "ReplyKind": (events.ReplyKind, "What a reply to a reporter is about."),
    "RumorEventKind": (events.RumorEventKind, "A step of the rumor loop."),
    "DeliveryAction": (events.DeliveryAction, "What a channel does with this rebuttal version."),
    "DutyPageKind": (events.DutyPageKind, "What a page to the staff on duty is about."),
    "DutyPageStep": (events.DutyPageStep, "A step of a page: paged, escalated to the next level, acknowledged, resolved."),
    "DutyLevel": (events.DutyLevel, "Who on the shift: a (A角), b (B角), leader (带班领导)."),
    "Verdict": (events.Verdict, "What the rebuttal rules on: false (谣言), true (属实), unverifiable (无法证实)."),
}
_BY_VALUES = {tuple(get_args(alias)): name for name, (alias, _) in NAMED_ENUMS.items()}
assert len(_BY_VALUES) == len(NAMED_ENUMS), "two named enums with the same values cannot be told apart"


class _EveryFieldWritten(GenerateJsonSchema):
    """Serialization schemas list every field as required: model_dump_json writes them all."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        if self.mode == "serialization":
            return field.get("serialization_exclude_if") is None
        return super().field_is_required(field, total)


class SchemaError(ValueError):
    """The models cannot be published as they are (an unnamed enum, a clashing name)."""


def component_schemas(produced: Iterable[type[BaseModel]], consumed: Iterable[type[BaseModel]] = ()) -> dict[str, Any]:
    """Named schemas of these models and of everything they reference, refs into COMPONENTS."""
    consumed = list(consumed)
    pairs = [(m, "serialization") for m in produced] + [(m, "validation") for m in consumed]
    _, top = models_json_schema(pairs, ref_template=COMPONENTS + "{model}",  # type: ignore[arg-type]
                                schema_generator=_EveryFieldWritten)
    raw: dict[str, Any] = top.get("$defs", {})
    if clash := [n for n in raw if n.endswith(("-Input", "-Output"))]:
        raise SchemaError(f"models used both ways would need two schemas: {clash}")
    out: dict[str, Any] = {}
    for name, schema in raw.items():
        out[name] = _rewrite_object(schema, out)
    for name, schema in out.items():
        # Always written, but a nullable field is not required: generators then give it an
        # optional type (Go: a pointer, so null is not read as 0 or "").
        nullable = {p for p, s in schema.get("properties", {}).items() if "null" in _types(s)}
        if "required" in schema:
            schema["required"] = [p for p in schema["required"] if p not in nullable]
    for model in consumed:
        schema = out[model.__name__]
        schema["required"] = sorted(set(schema.get("required", [])) | (set(ENVELOPE) & set(schema["properties"])),
                                    key=list(schema["properties"]).index)
    for name, (alias, text) in NAMED_ENUMS.items():
        if any(_refs(s, name) for s in out.values()):
            out[name] = {"title": name, "description": text, "type": "string", "enum": list(get_args(alias))}
    return {name: _ordered(out[name]) for name in sorted(out)}


_ORDER = ("title", "description", "type", "required", "properties", "additionalProperties", "enum")


def _ordered(schema: dict[str, Any]) -> dict[str, Any]:
    """Keys in reading order, so the YAML reads top-down: name, meaning, shape."""
    return {k: schema[k] for k in _ORDER if k in schema} | {k: v for k, v in schema.items() if k not in _ORDER}


def _rewrite_object(schema: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    """A model's (or a titled inline object's) schema, its properties rewritten."""
    result = {k: v for k, v in schema.items() if k != "properties"}
    if "properties" in schema:
        result["properties"] = {p: _rewrite(s, out) for p, s in schema["properties"].items()}
    return result


def _rewrite(node: Any, out: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_rewrite(n, out) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: v for k, v in node.items() if k != "title" or node.get("type") == "object" and "properties" in node}
    if "enum" in node and node.get("type", "string") == "string":
        name = _BY_VALUES.get(tuple(node["enum"]))
        if name is None:
            raise SchemaError(f"unnamed enum {node['enum']}: declare a Literal alias in libs.common.events "
                              "and add it to NAMED_ENUMS")
        return {"$ref": COMPONENTS + name} | _annotations(node)
    if "title" in node:  # a titled inline object: named, so generators give it that name
        name, named = node["title"], _rewrite_object(node, out)
        if out.setdefault(name, named) != named:
            raise SchemaError(f"two different schemas titled {name}")
        return {"$ref": COMPONENTS + name}
    variants = node.get("anyOf")
    if variants and len(variants) == 2 and {"type": "null"} in variants:
        inner = _rewrite(next(v for v in variants if v != {"type": "null"}), out)
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        if inner.get("$ref", "").removeprefix(COMPONENTS) in NAMED_ENUMS:
            target = inner.pop("$ref")
            return rest | inner | {"title": target.removeprefix(COMPONENTS), "type": ["string", "null"],
                                   "if": {"type": "string"}, "then": {"$ref": target}}
        if isinstance(inner.get("type"), str):
            return rest | inner | {"type": [inner["type"], "null"]}
        raise SchemaError(f"cannot make this schema nullable: {inner}")
    return {k: _rewrite(v, out) if k in ("items", "additionalProperties", "anyOf", "allOf", "oneOf") else v
            for k, v in node.items()}


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _annotations(node: dict[str, Any]) -> dict[str, Any]:
    return {k: node[k] for k in ("description", "default") if k in node}


def _refs(node: Any, name: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == COMPONENTS + name or any(_refs(v, name) for v in node.values())
    return isinstance(node, list) and any(_refs(v, name) for v in node)


def referenced(name: str, components: dict[str, Any]) -> list[str]:
    """`name` and every schema it references, directly or not, in a stable order."""
    seen: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop(0)
        if current not in seen:
            seen.append(current)
            text = repr(components[current])
            todo += sorted(set(re.findall(re.escape(COMPONENTS) + r"([A-Za-z0-9_]+)", text)) - set(seen))
    return seen


def standalone(name: str, components: dict[str, Any], *, schema_id: str | None = None) -> dict[str, Any]:
    """One event's schema as a self-contained draft-07 document (refs into `definitions`)."""
    names = referenced(name, components)
    doc = _local_refs(copy.deepcopy(components[name]))
    head: dict[str, Any] = {"$schema": DRAFT_07} | ({"$id": schema_id} if schema_id else {})
    definitions = {n: _local_refs(copy.deepcopy(components[n])) for n in sorted(names[1:])}
    return head | doc | ({"definitions": definitions} if definitions else {})


def _local_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: ("#/definitions/" + v.removeprefix(COMPONENTS) if k == "$ref" else _local_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_local_refs(v) for v in node]
    return node

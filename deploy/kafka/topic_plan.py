"""Pure: the topics deploy/kafka/topics.yaml asks for, and what a cluster must change to match.

`wanted()` expands the file (the per-department and per-channel patterns from the data
files' codes) into one `TopicSpec` per topic; `diff()` compares them with what a cluster
has (`TopicState`, read by deploy/kafka/topics.py) and returns the changes, each one line
for the operator to read before anything is applied. Only additive, safe changes are
planned: create a topic, add partitions, set a config value. Fewer partitions or another
replication factor are reported as problems and never applied (Kafka cannot remove
partitions; a new replication factor is a partition reassignment, an operator's decision).
Topics the file does not name are listed, never deleted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

TOPICS_FILE = Path(__file__).with_name("topics.yaml")


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TopicState:
    """A topic as the cluster has it; `config` holds the current value of every key asked about."""

    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)


Kind = Literal["create", "partitions", "config", "problem", "unmanaged"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    topic: str
    detail: str
    spec: TopicSpec | None = None
    key: str = ""
    value: str = ""

    @property
    def applies(self) -> bool:
        return self.kind in ("create", "partitions", "config")

    def line(self) -> str:
        mark = {"create": "+", "partitions": "~", "config": "~", "problem": "!", "unmanaged": "?"}[self.kind]
        return f"{mark} {self.topic}  {self.detail}"


def load(path: Path = TOPICS_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _text(value: object) -> str:
    # Kafka reports every config value as a string; YAML gives ints and booleans.
    return str(value).lower() if isinstance(value, bool) else str(value)


def wanted(document: Mapping[str, Any], *, departments: Iterable[str], channels: Iterable[str], prefix: str = "",
           replication_factor: int | None = None) -> list[TopicSpec]:
    """Every topic of the file, patterns expanded, names under `prefix` (tests use one).
    `replication_factor` overrides the file's (1 for a single local broker), capping
    min.insync.replicas to it."""
    defaults = document.get("defaults", {})
    rf = replication_factor or int(defaults.get("replication_factor", 3))
    base = {k: _text(v) for k, v in (defaults.get("config") or {}).items()}

    def spec(name: str, entry: Mapping[str, Any]) -> TopicSpec:
        config = base | {k: _text(v) for k, v in (entry.get("config") or {}).items()}
        if "min.insync.replicas" in config:
            config["min.insync.replicas"] = str(min(int(config["min.insync.replicas"]), rf))
        return TopicSpec(prefix + name, int(entry["partitions"]), int(entry.get("replication_factor", rf)), config)

    specs = [spec(entry["name"], entry) for entry in document.get("topics", [])]
    values = {"department_code": list(departments), "channel": list(channels)}
    for entry in document.get("patterns", []):
        pattern = entry["name"]
        (placeholder,) = [key for key in values if "{" + key + "}" in pattern]
        specs += [spec(pattern.replace("{" + placeholder + "}", code), entry) for code in values[placeholder]]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"topics named twice: {sorted({n for n in names if names.count(n) > 1})}")
    return specs


def diff(specs: Iterable[TopicSpec], cluster: Mapping[str, TopicState], *, prefix: str = "") -> list[Change]:
    """What the cluster must change to match `specs`, in the file's order; then the topics
    under `prefix` that the file does not name (internal `__` topics are never listed)."""
    changes: list[Change] = []
    specs = list(specs)
    for spec in specs:
        have = cluster.get(spec.name)
        if have is None:
            settings = " ".join(f"{k}={v}" for k, v in sorted(spec.config.items()))
            changes.append(Change("create", spec.name, f"create: partitions={spec.partitions} "
                                  f"replication={spec.replication_factor} {settings}".rstrip(), spec))
            continue
        if have.partitions < spec.partitions:
            changes.append(Change("partitions", spec.name, f"partitions {have.partitions} -> {spec.partitions}", spec))
        elif have.partitions > spec.partitions:
            changes.append(Change("problem", spec.name, f"has {have.partitions} partitions, the file says "
                                  f"{spec.partitions}: Kafka cannot remove partitions; left as it is", spec))
        if have.replication_factor != spec.replication_factor:
            changes.append(Change("problem", spec.name, f"replication factor {have.replication_factor}, the file says "
                                  f"{spec.replication_factor}: a partition reassignment (kafka-reassign-partitions), "
                                  "not done by this command", spec))
        for key, value in sorted(spec.config.items()):
            if have.config.get(key) != value:
                changes.append(Change("config", spec.name, f"{key} {have.config.get(key, '(unset)')} -> {value}",
                                      spec, key, value))
    named = {s.name for s in specs}
    for name in sorted(cluster):
        if name not in named and name.startswith(prefix) and not name.startswith("__"):
            changes.append(Change("unmanaged", name, "not in deploy/kafka/topics.yaml: left as it is"))
    return changes


def summary(changes: list[Change]) -> str:
    count = {kind: sum(c.kind == kind for c in changes) for kind in ("create", "partitions", "config", "problem",
                                                                     "unmanaged")}
    return (f"{count['create']} to create, {count['partitions']} to add partitions to, {count['config']} settings to "
            f"change, {count['problem']} problems, {count['unmanaged']} topics not in the file")

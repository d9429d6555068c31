"""Topic setup: make a cluster's topics match deploy/kafka/topics.yaml, showing the diff first.

    python -m deploy.kafka.topics              # plan: print what would change (the default)
    python -m deploy.kafka.topics --apply      # print the same diff, then create and alter
    python -m deploy.kafka.topics --check      # plan, exit 1 when the cluster differs (drift check)

Runs as the cluster's admin principal (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL,
KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD[_FILE], KAFKA_SSL_CAFILE, as every client). On a
terminal `--apply` asks before it changes anything (`--yes` to skip). Idempotent: a second
run plans nothing. What it never does is in deploy/kafka/topic_plan.py (no deletes, no
fewer partitions, no reassignment); those are printed as problems (exit 1) for an operator.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from confluent_kafka.admin import (
    AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewPartitions, NewTopic, ResourceType,
)

from deploy.kafka.topic_plan import TOPICS_FILE, Change, TopicSpec, TopicState, diff, load, summary, wanted

TIMEOUT_S = 60.0


def read_cluster(admin: AdminClient, specs: Iterable[TopicSpec]) -> dict[str, TopicState]:
    """Every topic of the cluster, with the current value of each config key the file sets."""
    metadata = admin.list_topics(timeout=TIMEOUT_S).topics
    keys = {s.name: set(s.config) for s in specs}
    asked = [ConfigResource(ResourceType.TOPIC, name) for name in metadata if name in keys]
    configs: dict[str, dict[str, str]] = {}
    for resource, future in (admin.describe_configs(asked, request_timeout=TIMEOUT_S).items() if asked else []):
        entries = future.result()
        configs[resource.name] = {k: str(e.value) for k, e in entries.items() if k in keys[resource.name]}
    return {name: TopicState(name, len(topic.partitions),
                             min((len(p.replicas) for p in topic.partitions.values()), default=0),
                             configs.get(name, {}))
            for name, topic in metadata.items()}


def apply_changes(admin: AdminClient, changes: list[Change]) -> None:
    """Create, add partitions, set configs; then wait until every touched partition has a leader."""
    new = [NewTopic(c.spec.name, c.spec.partitions, c.spec.replication_factor, config=dict(c.spec.config))
           for c in changes if c.kind == "create" and c.spec]
    grow = [NewPartitions(c.topic, c.spec.partitions) for c in changes if c.kind == "partitions" and c.spec]
    settings: dict[str, list[ConfigEntry]] = {}
    for c in changes:
        if c.kind == "config":
            settings.setdefault(c.topic, []).append(
                ConfigEntry(c.key, c.value, incremental_operation=AlterConfigOpType.SET))
    if new:
        _wait_all(admin.create_topics(new, request_timeout=TIMEOUT_S))
    if grow:
        _wait_all(admin.create_partitions(grow, request_timeout=TIMEOUT_S))
    if settings:
        _wait_all(admin.incremental_alter_configs(
            [ConfigResource(ResourceType.TOPIC, name, incremental_configs=entries) for name, entries in settings.items()],
            request_timeout=TIMEOUT_S))
    _wait_for_leaders(admin, {c.topic for c in changes if c.kind in ("create", "partitions")})


def _wait_all(futures: Mapping[object, object]) -> None:
    for future in futures.values():
        future.result()  # type: ignore[attr-defined]


def _wait_for_leaders(admin: AdminClient, names: set[str], timeout: float = TIMEOUT_S) -> None:
    # So the first produce after setup does not bounce off NotLeaderForPartition.
    deadline = time.monotonic() + timeout
    while names:
        topics = admin.list_topics(timeout=TIMEOUT_S).topics
        if all(n in topics and topics[n].partitions and all(p.leader >= 0 for p in topics[n].partitions.values())
               for n in names):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"partitions without a leader after {timeout:.0f}s")
        time.sleep(0.2)


def plan(options: Mapping[str, str], specs: list[TopicSpec], *, prefix: str = "") -> list[Change]:
    admin = AdminClient(dict(options))
    return diff(specs, read_cluster(admin, specs), prefix=prefix)


def setup(options: Mapping[str, str], specs: list[TopicSpec], *, prefix: str = "") -> list[Change]:
    """Plan and apply at once (for code: tests and `make run`); returns the changes applied."""
    admin = AdminClient(dict(options))
    changes = diff(specs, read_cluster(admin, specs), prefix=prefix)
    apply_changes(admin, [c for c in changes if c.applies])
    return changes


def system_specs(*, prefix: str = "", replication_factor: int | None = None, path: Path = TOPICS_FILE,
                 directory_file: Path | None = None, channels_file: Path | None = None) -> list[TopicSpec]:
    """The file expanded with this deployment's departments and media channels."""
    from services.dispatch.directory import load_directory
    from services.dispatch.settings import DispatchSettings
    from services.rumor.publishing.matrix import load_matrix

    directory = load_directory(directory_file or DispatchSettings.model_fields["directory_file"].default)
    return wanted(load(path), departments=[d.code for d in directory.all_departments()],
                  channels=load_matrix(channels_file).codes, prefix=prefix, replication_factor=replication_factor)


def _confirm(count: int) -> bool:
    if not sys.stdin.isatty():
        return True  # a job or a pipeline: the diff above is its record
    return input(f"apply these {count} changes? [y/N] ").strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    from libs.common.kafka_auth import confluent_options
    from libs.common.settings import ServiceSettings

    parser = argparse.ArgumentParser(prog="python -m deploy.kafka.topics", description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="change the cluster after showing the diff")
    mode.add_argument("--check", action="store_true", help="exit 1 when the cluster differs from the file")
    parser.add_argument("--yes", action="store_true", help="with --apply: do not ask on a terminal")
    parser.add_argument("--file", type=Path, default=TOPICS_FILE, help="the topic file (default: %(default)s)")
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    options = confluent_options(settings)
    specs = system_specs(prefix=settings.topic_prefix, path=args.file)
    admin = AdminClient(options)
    changes = diff(specs, read_cluster(admin, specs), prefix=settings.topic_prefix)
    for change in changes:
        print(change.line())
    todo = [c for c in changes if c.applies]
    print(f"topics: {summary(changes)} ({len(specs)} topics in {args.file.name})")
    if args.apply and todo:
        if not (args.yes or _confirm(len(todo))):
            print("topics: nothing changed")
            return 1
        apply_changes(admin, todo)
        left = [c for c in diff(specs, read_cluster(admin, specs), prefix=settings.topic_prefix) if c.applies]
        print(f"topics: applied {len(todo)} changes; {len(left)} left" if left else
              f"topics: applied {len(todo)} changes; the cluster matches {args.file.name}")
        if left:
            return 1
    problems = any(c.kind == "problem" for c in changes)
    return 1 if problems or (args.check and todo) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Every Kafka topic of the local system, created once before the services start.

    python -m deploy.local.topics --kafka 127.0.0.1:19092 --mongo mongodb://127.0.0.1:27027 --timeout 180

Each service's line in the Procfile runs this before it starts: it waits for Kafka and the
database, then creates the missing topics from the topic registry (libs.common.topics, the
jurisdiction directory's departments, the media matrix's channels) and waits until every
partition has a leader. A file lock makes one caller do the work while the others wait for
it, so the services never race each other to create topics (the race made the broker log
TOPIC_ALREADY_EXISTS and the clients NotLeaderForPartition by the hundred); the services
themselves run with KAFKA_CREATE_TOPICS=false (deploy/local/localenv.py).
"""
from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import sys
import time
from pathlib import Path
from typing import Any

from deploy.local.artifacts import InfraError
from deploy.local.credentials import local_admin_options
from deploy.local.probes import create_topics, wait_kafka, wait_mongo
from libs.common.settings import bootstrap_list

LOCK = Path(__file__).resolve().parents[2] / ".data" / "topics.lock"
KAFKA_DATA = LOCK.parent / "kafka"


def planned(directory_file: Path | None = None, channels_file: Path | None = None) -> dict[str, int]:
    """{topic: partitions} for the whole local system: production's topic file
    (deploy/kafka/topics.yaml) expanded with the directory's departments and the media
    matrix's channels. Locally with replication 1 and the broker's short retention."""
    from deploy.kafka.topics import system_specs

    return {spec.name: spec.partitions for spec in system_specs(replication_factor=1, directory_file=directory_file,
                                                                channels_file=channels_file)}


def ensure(bootstrap: str, wanted: dict[str, int], options: dict[str, Any], lock: Path = LOCK) -> list[str]:
    """Create what is missing; the first caller creates, the others wait and find them there."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        missing = {name: n for name, n in wanted.items() if name not in asyncio.run(_existing(bootstrap, options))}
        created = asyncio.run(create_topics(bootstrap, missing, timeout=60, options=options)) if missing else []
        _grant(bootstrap, options)
        return created


def _grant(bootstrap: str, options: dict[str, Any]) -> None:
    """Every principal's SCRAM user and ACLs (deploy.kafka.access), from the local credentials."""
    from deploy.kafka.access import librdkafka_options, read_passwords, setup
    from libs.common.kafka_acl import principals

    departments = [d.code for d in _directory().all_departments()]
    folder = os.environ.get("KAFKA_PRINCIPAL_PASSWORDS_DIR")
    passwords = read_passwords(Path(folder) if folder else None, principals(departments))
    setup(librdkafka_options(bootstrap, options), departments, passwords=passwords)


def _directory():  # type: ignore[no-untyped-def]
    from services.dispatch.directory import load_directory
    from services.dispatch.settings import DispatchSettings

    return load_directory(DispatchSettings().directory_file)


async def _existing(bootstrap: str, options: dict[str, Any]) -> set[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_list(bootstrap), **options)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.topics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kafka", required=True, metavar="HOST:PORT")
    parser.add_argument("--mongo", metavar="URI", help="also wait for the database")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    try:
        if args.mongo:
            wait_mongo(args.mongo, args.timeout)
        options = local_admin_options(KAFKA_DATA, args.timeout)
        wait_kafka(args.kafka, max(1.0, deadline - time.monotonic()), options)
        created = ensure(args.kafka, planned(), options)
    except InfraError as e:
        print(f"topics: error: {e}", file=sys.stderr)
        return 1
    if created:  # only the caller that did the work says so
        print(f"topics: created {len(created)} topics from the registry", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

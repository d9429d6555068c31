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
import sys
import time
from pathlib import Path

from deploy.local.infra import InfraError, create_topics, wait_kafka, wait_mongo
from libs.common import topics as t

# Every topic a service subscribes to gets its dead-letter topic (libs.common.service).
CONSUMED = (t.REPORTS_SUBMITTED, t.REPORTS_TRIAGED, t.REPORTS_REPLIES, t.CASES_FEEDBACK, t.CASES_TAKEDOWN, t.RUMORS_EVENTS)
LOCK = Path(__file__).resolve().parents[2] / ".data" / "topics.lock"


def planned(directory_file: Path | None = None, channels_file: Path | None = None) -> dict[str, int]:
    """{topic: partitions} for the whole local system, from the registry and the data files."""
    from services.dispatch.directory import load_directory
    from services.dispatch.settings import DispatchSettings
    from services.rumor.matrix import load_matrix

    directory = load_directory(directory_file or DispatchSettings.model_fields["directory_file"].default)
    channels = load_matrix(channels_file).codes
    out = {topic: t.DEFAULT_PARTITIONS for topic in t.CORE_TOPICS}
    out |= {t.dlq_topic(topic): 1 for topic in CONSUMED}
    out |= {t.dispatch_topic(d.code): t.DEPARTMENT_PARTITIONS for d in directory.all_departments()}
    out |= {t.media_topic(code): 1 for code in channels} | {t.dlq_topic(t.media_topic(code)): 1 for code in channels}
    return out


def ensure(bootstrap: str, wanted: dict[str, int], lock: Path = LOCK) -> list[str]:
    """Create what is missing; the first caller creates, the others wait and find them there."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        missing = {name: n for name, n in wanted.items() if name not in asyncio.run(_existing(bootstrap))}
        return asyncio.run(create_topics(bootstrap, missing, timeout=60)) if missing else []


async def _existing(bootstrap: str) -> set[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
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
        wait_kafka(args.kafka, max(1.0, deadline - time.monotonic()))
        created = ensure(args.kafka, planned())
    except InfraError as e:
        print(f"topics: error: {e}", file=sys.stderr)
        return 1
    if created:  # only the caller that did the work says so
        print(f"topics: created {len(created)} topics from the registry", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the cluster test reads from a three-broker Kafka while it runs: partition leaders and
in-sync replicas, consumer groups' members, when each report was answered, and how much
work each instance of a service did (its own /metrics)."""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from confluent_kafka.admin import AdminClient
from prometheus_client.parser import text_string_to_metric_families

from deploy.kafka.access import librdkafka_options
from libs.common.settings import bootstrap_list


def admin(bootstrap: str, options: dict[str, Any]) -> AdminClient:
    return AdminClient(librdkafka_options(bootstrap, options))


def partitions(client: AdminClient, prefix: str) -> dict[tuple[str, int], Any]:
    """(topic, partition) -> PartitionMetadata (leader, replicas, isrs) of the system's topics."""
    topics = client.list_topics(timeout=10).topics
    return {(name, pid): p for name, t in topics.items() if name.startswith(prefix) for pid, p in t.partitions.items()}


def busiest_leader(client: AdminClient, prefix: str) -> int:
    """The broker id that leads the most of the system's partitions: the worst one to lose."""
    leaders = Counter(p.leader for p in partitions(client, prefix).values())
    return leaders.most_common(1)[0][0]


def wait_until(check, timeout: float, every: float = 0.2) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until check() held, or None when it did not within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - the cluster is changing under us: ask again
            pass
        time.sleep(every)
    return None


def led_without(client: AdminClient, prefix: str, broker: int) -> bool:
    """Every partition has a leader, and it is not `broker`."""
    return all(p.leader >= 0 and p.leader != broker for p in partitions(client, prefix).values())


def fully_replicated(client: AdminClient, prefix: str, size: int) -> bool:
    """Every partition, and every internal one, has all `size` replicas in sync."""
    every = partitions(client, prefix) | partitions(client, "__")
    return all(len(p.isrs) == size for p in every.values())


def messages_on(bootstrap: str, options: dict[str, Any], prefix: str) -> dict[str, int]:
    """topic -> messages it holds (end minus start offsets, every partition) under `prefix`."""
    from confluent_kafka import Consumer, TopicPartition

    config = librdkafka_options(bootstrap, options) | {"group.id": "netreport-cluster-test-sizing"}
    consumer = Consumer(config)
    try:
        out: dict[str, int] = {}
        for (topic, pid) in partitions(admin(bootstrap, options), prefix):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, pid), timeout=10)
            out[topic] = out.get(topic, 0) + high - low
        return out
    finally:
        consumer.close()


def members(client: AdminClient, groups: list[str]) -> dict[str, int]:
    """Group -> members with at least one partition assigned."""
    futures = client.describe_consumer_groups(groups, request_timeout=10)
    return {group: sum(1 for m in future.result().members if m.assignment.topic_partitions)
            for group, future in futures.items()}


async def first_reply_times(bootstrap: str, options: dict[str, Any], topic: str, quiet_s: float = 3.0) -> dict[str, float]:
    """report_id -> the wall-clock time (s) of its first reply on `topic` (the record's timestamp)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap_list(bootstrap), **options, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    out: dict[str, float] = {}
    last = time.monotonic()
    try:
        while time.monotonic() - last < quiet_s:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                for record in records:
                    last = time.monotonic()
                    try:
                        report = json.loads(record.value).get("report_id")
                    except (ValueError, AttributeError):
                        continue
                    if report and report not in out:
                        out[report] = record.timestamp / 1000
    finally:
        await consumer.stop()
    return out


async def handled_by_topic(url: str) -> dict[str, float]:
    """topic -> messages this instance handled (netreport_messages_consumed_total{outcome="handled"})."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    out: dict[str, float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "netreport_messages_consumed_total" and sample.labels.get("outcome") == "handled":
                out[sample.labels["topic"]] += sample.value
    return dict(out)


async def accepted_by(url: str) -> float:
    """Reports this intake instance answered 202 (netreport_http_requests_total)."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "netreport_http_requests_total" and s.labels.get("method") == "POST"
               and s.labels.get("status") == "202")

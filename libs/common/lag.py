"""Consumer lag and dead-letter depth, read from Kafka's offsets and exported as gauges.

A background task of every service (started by `build_app` once Kafka is reachable):
every few seconds it asks the broker, for each (consumer group, topic) the service
consumes, how far the group's committed offset is behind the partition's end offset, and
how many messages each `<topic>.dlq` holds (end minus beginning offset). Offsets are the
truth that survives restarts; a counter of what this process saw is not.

Topic labels are design names (`reports.triaged`), without a test's topic prefix, so
dashboards and alerts read the same in every environment.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from libs.common import metrics
from libs.common.kafka_auth import client_options
from libs.common.logs import get_logger
from libs.common.settings import ServiceSettings
from libs.common.topics import dlq_topic

log = get_logger(__name__)
DEFAULT_INTERVAL_S = 5.0  # cheap: one offset fetch per group and one list-offsets per pass
# A broker that hangs (paused, or a network that drops packets) never refuses: without a bound
# a pass waits on aiokafka's 40 s request timeout per call, nothing counts as failed, and the
# gauges go stale with no LagProbeFailing. A healthy pass takes milliseconds.
PASS_TIMEOUT_S = 10.0


def partition_lag(committed: int | None, beginning: int, end: int) -> int:
    """Messages not yet committed on one partition.

    A group with no committed offset starts from the earliest message (our consumers use
    auto_offset_reset=earliest), so its lag is everything still retained.
    """
    start = committed if committed is not None and committed >= 0 else beginning
    return max(end - max(start, beginning), 0)


def topic_lag(partitions: Iterable[TopicPartition], committed: Mapping[TopicPartition, int],
              beginning: Mapping[TopicPartition, int], end: Mapping[TopicPartition, int]) -> int:
    return sum(partition_lag(committed.get(tp), beginning.get(tp, 0), end.get(tp, 0)) for tp in partitions)


UNKNOWN_TOPIC = 3  # Kafka's UNKNOWN_TOPIC_OR_PARTITION: the topic does not exist, so it holds nothing


def answered(described: Iterable[Mapping]) -> dict[str, list[int]]:
    """The partitions of each topic the broker answered for. A topic it does not know holds
    nothing (no partitions: depth and lag 0); one it answered with another error (a leader
    not elected yet, just after Kafka came back) is left out, so its gauges keep their last
    value instead of dropping to 0 and back, which an alert on their growth reads as growth."""
    out: dict[str, list[int]] = {}
    for d in described:
        if not d["error_code"]:
            out[d["topic"]] = sorted(p["partition"] for p in d["partitions"])
        elif d["error_code"] == UNKNOWN_TOPIC:
            out[d["topic"]] = []
    return out


def _stop_if_cancelled() -> None:
    """A shutdown that a client library swallowed (or turned into its own error) still stops the loop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


@dataclass(frozen=True)
class Watch:
    """One consumer group on one topic (design name)."""

    group: str
    topic: str


class LagProbe:
    """Measures lag for some (group, topic) pairs and the depth of their DLQs."""

    def __init__(self, settings: ServiceSettings, watches: Iterable[Watch], interval_s: float = DEFAULT_INTERVAL_S,
                 pass_timeout_s: float = PASS_TIMEOUT_S) -> None:
        self.settings = settings
        self.watches = sorted(set(watches), key=lambda w: (w.group, w.topic))
        self.interval_s = interval_s
        self.pass_timeout_s = pass_timeout_s
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def run(self) -> None:
        service = self.settings.service_name
        try:
            while True:
                try:
                    async with asyncio.timeout(self.pass_timeout_s):
                        await self.measure()
                    metrics.LAG_PROBES.labels(service=service, outcome="ok").inc()
                except Exception as exc:  # Kafka away for a moment: the gauges keep their last value
                    _stop_if_cancelled()
                    metrics.LAG_PROBES.labels(service=service, outcome="failed").inc()
                    log.warning("lag_probe_failed", error=repr(exc))
                    await self._close()
                _stop_if_cancelled()
                await asyncio.sleep(self.interval_s)
        finally:
            await self._close()

    async def measure(self) -> dict[str, int]:
        """One pass; returns {"<group> <topic>": lag, "<topic>.dlq": depth} for logs and tests."""
        admin, consumer = await self._clients()
        real = self.settings.topic
        topics = {w.topic for w in self.watches} | {dlq_topic(w.topic) for w in self.watches}
        # Asked of the broker each pass: the consumer's own metadata holds no topic until its
        # first refresh (five minutes), and every gauge read 0 until then (the fault tests saw it).
        described = await admin.describe_topics(sorted(real(t) for t in topics))
        known = answered(described)
        parts = {t: [TopicPartition(real(t), p) for p in known[real(t)]] for t in topics if real(t) in known}
        every = [tp for tps in parts.values() for tp in tps]
        beginning = await consumer.beginning_offsets(every) if every else {}
        end = await consumer.end_offsets(every) if every else {}
        seen: dict[str, int] = {}
        for group in sorted({w.group for w in self.watches}):
            offsets = await admin.list_consumer_group_offsets(group)
            committed = {tp: meta.offset for tp, meta in offsets.items()}
            for watch in (w for w in self.watches if w.group == group and w.topic in parts):
                lag = topic_lag(parts[watch.topic], committed, beginning, end)
                metrics.CONSUMER_LAG.labels(group=group, topic=watch.topic).set(lag)
                seen[f"{group} {watch.topic}"] = lag
        for topic in sorted({w.topic for w in self.watches if dlq_topic(w.topic) in parts}):
            depth = sum(end.get(tp, 0) - beginning.get(tp, 0) for tp in parts[dlq_topic(topic)])
            metrics.DLQ_DEPTH.labels(topic=topic).set(depth)
            seen[dlq_topic(topic)] = depth
        return seen

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            bootstrap = self.settings.kafka_bootstrap
            client_id = f"{self.settings.service_name}-lag-probe"
            options = client_options(self.settings)
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id=client_id, **options)
            await admin.start()
            # No group: this consumer only lists offsets, it never joins or commits.
            consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, client_id=client_id, group_id=None,
                                        enable_auto_commit=False, **options)
            try:
                await consumer.start()
            except BaseException:  # stopped too, or it warns "Unclosed AIOKafkaConsumer" on every failed pass
                await consumer.stop()
                await admin.close()
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    async def _close(self) -> None:
        admin, consumer, self._admin, self._consumer = self._admin, self._consumer, None, None
        if consumer is not None:
            await consumer.stop()
        if admin is not None:
            await admin.close()

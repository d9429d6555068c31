"""One consumer group over every `media.<channel>` topic, one lane per channel.

Why not one FastStream subscriber per channel: 57+ consumers in one process each hold a
group membership, connections and a fetch loop (measured here: 62 idle consumers cost 13-27%
of a core), and FastStream cannot process several topics concurrently with manual commits.
So, in the manner of Arroyo's strategies: one aiokafka consumer fetches all channel
topics; each partition that has records gets a lane (a task) of its own and is paused
while its lane works, so a channel retrying with backoff holds up only itself and every
other channel is delivered at the same time. A lane commits each record's offset after
the delivery is stored and its events are staged (the commit point); an outage rewinds the
partition to the record; a record that cannot be delivered goes to `<topic>.dlq` with the
reason and the original bytes (libs.common.deadletter), like every other consumer; a record
whose channel is not its topic's is one of those (a producer cannot pick another adapter).
No inbox: the handler's delivery document already makes a redelivered record a no-op, and
two fewer database round trips per channel is what lets 60+ channels land together.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from libs.common import metrics
from libs.common.consumer import OUTAGES, PermanentError
from libs.common.deadletter import DeadLetters
from libs.common.events import MediaDelivery
from libs.common.kafka_auth import client_options
from libs.common.logs import bind_case, clear_case, get_logger
from libs.common.settings import ServiceSettings
from libs.common.topics import media_topic

log = get_logger(__name__)
Handle = Callable[[MediaDelivery], Awaitable[None]]


class MediaConsumer(ConsumerRebalanceListener):
    def __init__(self, settings: ServiceSettings, dead_letters: DeadLetters, *, topics: list[str], group: str,
                 handle: Handle, outage_pause_s: float = 2.0) -> None:
        self.settings, self.dead_letters, self.group, self.handle = settings, dead_letters, group, handle
        self.topics = topics  # design names, without the test prefix
        self.outage_pause_s = outage_pause_s
        self.service = settings.service_name
        self._lanes: dict[TopicPartition, asyncio.Task[None]] = {}
        self.assigned = asyncio.Event()  # tests and readiness: the group gave us partitions

    async def run(self) -> None:
        """Consume until cancelled; a broken connection or consumer starts a new one."""
        while True:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Kafka away or a consumer error: offsets are committed, start over
                log.warning("media_consumer_restarting", error=repr(exc))
                await asyncio.sleep(self.outage_pause_s)

    async def _run_once(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap, group_id=self.group,
            client_id=f"{self.service}-media", enable_auto_commit=False, auto_offset_reset="earliest",
            fetch_max_wait_ms=100, metadata_max_age_ms=30_000, **client_options(self.settings))
        consumer.subscribe([self.settings.topic(t) for t in self.topics], listener=self)
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=200)
                for tp, records in batches.items():
                    if records:
                        consumer.pause(tp)  # resumed by the lane when it is done
                        self._lanes[tp] = asyncio.create_task(self._lane(consumer, tp, records), name=f"lane-{tp.topic}")
        finally:
            await self._cancel_lanes(list(self._lanes))
            await consumer.stop()

    # -- rebalance: a revoked partition's lane stops; its uncommitted record comes again
    # to the new owner, where the delivery's stored status keeps it from being sent twice.

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._cancel_lanes([tp for tp in revoked if tp in self._lanes])

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        if assigned:
            self.assigned.set()

    async def _cancel_lanes(self, partitions: list[TopicPartition]) -> None:
        tasks = [self._lanes.pop(tp) for tp in partitions if tp in self._lanes]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _lane(self, consumer: AIOKafkaConsumer, tp: TopicPartition, records: list[ConsumerRecord]) -> None:
        try:
            for record in records:
                try:
                    outcome = await self._process(record)
                except Exception:  # a bug outside the per-record handling: the record comes again
                    log.exception("lane_failed", topic=record.topic, offset=record.offset)
                    outcome = "outage"
                metrics.CONSUMED.labels(service=self.service, topic=self._design(record.topic), outcome=outcome).inc()
                if outcome == "outage":
                    consumer.seek(tp, record.offset)  # this record and the rest come again
                    await asyncio.sleep(self.outage_pause_s)
                    return
                try:
                    await consumer.commit({tp: record.offset + 1})  # the commit point
                except KafkaError as exc:  # a later commit covers it; a redelivery is idempotent
                    log.warning("commit_failed", topic=record.topic, offset=record.offset, error=repr(exc))
        finally:
            if tp in consumer.assignment():
                consumer.resume(tp)

    async def _process(self, record: ConsumerRecord) -> str:
        clear_case(self.service)
        try:
            event = MediaDelivery.model_validate_json(record.value or b"")
        except ValidationError as exc:
            return await self._dead_letter(record, exc)
        bind_case(event_id=event.event_id, case_id=event.claim_id)
        topic = self._design(record.topic)
        if media_topic(event.channel) != topic:
            # The adapter is chosen by the channel: only the channel's own topic may name it.
            return await self._dead_letter(record, PermanentError(f"a delivery for {event.channel} on {topic}"))
        try:
            await self.handle(event)  # idempotent by the delivery's own document: no inbox here
            return "handled"
        except OUTAGES as exc:
            log.warning("outage_will_retry", error=repr(exc))
            return "outage"
        except Exception as exc:  # PermanentError (retry budget spent) or a bug: DLQ, go on
            try:
                return await self._dead_letter(record, exc)
            except OUTAGES:
                return "outage"

    async def _dead_letter(self, record: ConsumerRecord, exc: BaseException) -> str:
        await self.dead_letters.send(record, exc, topic=self._design(record.topic), consumer=self.group)
        return "dead_letter"

    def _design(self, real_topic: str) -> str:
        prefix = self.settings.topic_prefix
        return real_topic[len(prefix):] if prefix and real_topic.startswith(prefix) else real_topic

"""Consumer lag arithmetic (libs.common.lag): committed vs end offsets, per partition."""
from __future__ import annotations

import asyncio
import contextlib

from aiokafka import TopicPartition

from libs.common import metrics
from libs.common.lag import LagProbe, Watch, answered, partition_lag, topic_lag
from libs.common.settings import ServiceSettings


def test_lag_is_end_minus_committed() -> None:
    assert partition_lag(committed=7, beginning=0, end=10) == 3


def test_a_group_that_never_committed_lags_by_everything_retained() -> None:
    assert partition_lag(committed=None, beginning=4, end=10) == 6
    assert partition_lag(committed=-1, beginning=4, end=10) == 6


def test_a_commit_below_the_retention_start_counts_only_what_is_retained() -> None:
    assert partition_lag(committed=1, beginning=4, end=10) == 6


def test_lag_never_goes_negative() -> None:
    assert partition_lag(committed=12, beginning=0, end=10) == 0


def test_topic_lag_sums_its_partitions() -> None:
    a, b, c = (TopicPartition("t", p) for p in range(3))
    committed = {a: 5, b: 2}
    assert topic_lag([a, b, c], committed, {a: 0, b: 0, c: 1}, {a: 5, b: 4, c: 3}) == 0 + 2 + 2


def test_a_topic_the_broker_could_not_answer_for_keeps_its_gauges_while_a_missing_one_holds_nothing() -> None:
    # Just after Kafka came back, a topic can be answered with "leader not available" (5):
    # reading it as empty dropped a dead-letter depth to 0 and back, and the growth alert fired.
    described = [
        {"topic": "cases.takedown", "error_code": 0, "partitions": [{"partition": 1}, {"partition": 0}]},
        {"topic": "cases.takedown.dlq", "error_code": 5, "partitions": []},
        {"topic": "reports.incoming.dlq", "error_code": 3, "partitions": []},
    ]
    assert answered(described) == {"cases.takedown": [0, 1], "reports.incoming.dlq": []}


class HangingBroker(LagProbe):
    """A broker that is paused: it never refuses, it never answers."""

    async def measure(self) -> dict[str, int]:
        await asyncio.Event().wait()
        return {}

    async def _close(self) -> None:  # no clients were opened
        return None


async def test_a_broker_that_never_answers_counts_as_a_failed_probe_pass_not_as_silence() -> None:
    settings = ServiceSettings(service_name="lag-hang-test")
    failed = metrics.LAG_PROBES.labels(service=settings.service_name, outcome="failed")
    before = failed._value.get()
    probe = HangingBroker(settings, [Watch("g", "reports.raw")], interval_s=0.01, pass_timeout_s=0.05)
    task = asyncio.create_task(probe.run())
    await asyncio.sleep(0.5)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert failed._value.get() - before >= 3  # each bounded pass is told as failed, so LagProbeFailing can fire

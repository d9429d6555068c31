"""Consumer lag arithmetic (libs.common.lag): committed vs end offsets, per partition."""
from __future__ import annotations

from aiokafka import TopicPartition

from libs.common.lag import answered, partition_lag, topic_lag


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

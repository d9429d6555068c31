"""Consumer lag arithmetic (libs.common.lag): committed vs end offsets, per partition."""
from __future__ import annotations

from aiokafka import TopicPartition

from libs.common.lag import partition_lag, topic_lag


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

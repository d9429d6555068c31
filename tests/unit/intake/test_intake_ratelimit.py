"""Flood control: a token bucket per key, refilled by a clock the test moves."""
from __future__ import annotations

from services.intake.ratelimit import TokenBucketLimiter, retry_after_header


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_burst_is_allowed_then_refused_with_the_wait_until_the_next_token():
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=3, clock=clock)  # one token a second
    assert [limiter.take("1.2.3.4") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("1.2.3.4")
    assert 0.99 <= wait <= 1.0
    assert retry_after_header(wait) == "1"
    clock.t += 1.0
    assert limiter.take("1.2.3.4") == 0.0


def test_keys_are_independent():
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=1, clock=Clock())
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
    assert limiter.take("b") == 0.0


def test_a_batch_costs_its_size_and_refills_no_higher_than_the_burst():
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=600, burst=100, clock=clock)  # 10 per second
    assert limiter.take("platform", cost=100) == 0.0
    assert limiter.take("platform", cost=50) == 5.0
    clock.t += 3600
    assert limiter.take("platform", cost=100) == 0.0  # a full bucket, not 36,000 tokens
    assert limiter.take("platform", cost=1) > 0


def test_memory_stays_bounded_under_a_flood_of_addresses():
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=5, clock=clock, max_keys=100)
    for i in range(1000):
        limiter.take(f"10.0.{i // 256}.{i % 256}")
        clock.t += 0.001
    assert len(limiter._buckets) <= 100

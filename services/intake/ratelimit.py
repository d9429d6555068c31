"""Flood control: a token bucket per key (client IP, platform id), in memory.

Why in memory, per instance: the limit protects this process and the database behind it
from a flood; a shared limiter would put a database write on the path of every request,
which is exactly what a flood exploits (and mongo-java-server is the weakest link here).
With N instances the effective limit is N times the setting: set it per instance, and put
the global limit at the gateway (nginx `limit_req`) in production. Pure: the clock is given.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBucketLimiter:
    """`rate_per_minute` tokens refill continuously up to `burst`; one request costs `cost`."""

    def __init__(self, rate_per_minute: float, burst: int, clock: Callable[[], float], max_keys: int = 50_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, cost: float = 1.0) -> float:
        """0 when allowed (tokens taken); else the seconds to wait before retrying."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._make_room(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        cost = min(cost, self.burst)  # a batch larger than the burst waits for a full bucket
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        return (cost - bucket.tokens) / self.rate if self.rate > 0 else math.inf

    def _make_room(self, now: float) -> None:
        # Bound memory under a flood of distinct IPs: drop buckets that have refilled (idle keys).
        if len(self._buckets) < self.max_keys:
            return
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # all busy: forget the oldest half
            for key, _ in sorted(self._buckets.items(), key=lambda kv: kv[1].at)[: self.max_keys // 2]:
                del self._buckets[key]


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))

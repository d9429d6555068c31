"""Pure: lockout after repeated failed logins (登录失败锁定).

`max_failures` failures within `window` lock the account for `lock_for`; a success clears
the count. The count lives on the account, so it holds across instances and restarts, and
guessing from many addresses locks just the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)

    def recent(self, failures: list[datetime], now: datetime) -> list[datetime]:
        return [at for at in failures if now - at < self.window]

    def locked_until(self, failures: list[datetime], now: datetime) -> datetime | None:
        """When the account opens again, if it is locked now."""
        recent = sorted(self.recent(failures, now))
        if len(recent) < self.max_failures:
            return None
        until = recent[-1] + self.lock_for
        return until if now < until else None

    def after_failure(self, failures: list[datetime], now: datetime) -> list[datetime]:
        """The failures to keep: the recent ones and this one (older ones are forgotten)."""
        return [*self.recent(failures, now), now][-self.max_failures * 2:]

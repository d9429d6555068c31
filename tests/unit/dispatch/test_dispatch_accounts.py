"""Accounts (services.dispatch.accounts): Argon2 hashes, lockout after repeated failures,
one answer for a wrong name and a wrong password."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.dispatch.accounts import passwords
from services.dispatch.accounts.lockout import LockoutPolicy
from services.dispatch.accounts.login import BAD, log_in

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_passwords_are_stored_as_argon2id_hashes_and_weak_ones_are_refused():
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert passwords.verify(stored, "correct horse battery")
    assert not passwords.verify(stored, "correct horse battery!")
    assert not passwords.verify(None, "anything") and not passwords.verify("not-a-hash", "x")
    assert passwords.weakness("short") and passwords.weakness("aaaaaaaaaaaaaaaa")
    assert passwords.weakness("a-long-enough-passphrase") is None


def test_five_failures_within_the_window_lock_the_account_for_a_while():
    policy = LockoutPolicy(max_failures=5, window=timedelta(minutes=15), lock_for=timedelta(minutes=15))
    failures: list[datetime] = []
    for i in range(4):
        failures = policy.after_failure(failures, T0 + timedelta(minutes=i))
    assert policy.locked_until(failures, T0 + timedelta(minutes=4)) is None
    failures = policy.after_failure(failures, T0 + timedelta(minutes=4))
    assert policy.locked_until(failures, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=19)
    assert policy.locked_until(failures, T0 + timedelta(minutes=20)) is None
    spread = [T0 + timedelta(minutes=10 * i) for i in range(5)]  # slow guessing is forgotten
    assert policy.locked_until(spread, T0 + timedelta(minutes=41)) is None


class FakeAccounts:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def get(self, name: str) -> dict[str, Any] | None:
        return self.docs.get(name)

    async def record_failures(self, name: str, failures: list[datetime]) -> None:
        self.docs[name]["failures"] = failures

    async def record_login(self, name: str, now: datetime) -> None:
        self.docs[name]["failures"] = []

    async def set_password(self, name: str, password_hash: str) -> bool:
        self.docs[name]["password_hash"] = password_hash
        return True


async def test_login_locks_after_repeated_failures_even_with_the_right_password_then_opens_again():
    accounts = FakeAccounts()
    accounts.docs["police"] = {"_id": "police", "role": "department", "department": "nn-city-police",
                               "password_hash": passwords.hash_password("police-desk-password"), "failures": []}
    policy = LockoutPolicy()
    ok = await log_in(accounts, policy, name="police", password="police-desk-password", now=T0)  # type: ignore[arg-type]
    assert ok.principal is not None and ok.principal.department == "nn-city-police" and ok.principal.role == "department"
    unknown = await log_in(accounts, policy, name="nobody", password="x", now=T0)  # type: ignore[arg-type]
    wrong = await log_in(accounts, policy, name="police", password="wrong", now=T0)  # type: ignore[arg-type]
    assert unknown.refusal == wrong.refusal == BAD  # nothing tells a guesser which names exist
    for i in range(4):
        result = await log_in(accounts, policy, name="police", password="wrong", now=T0 + timedelta(seconds=i + 1))  # type: ignore[arg-type]
    assert result.outcome == "locked"
    locked = await log_in(accounts, policy, name="police", password="police-desk-password", now=T0 + timedelta(minutes=1))  # type: ignore[arg-type]
    assert locked.principal is None and locked.outcome == "locked" and "锁定" in (locked.refusal or "")
    later = await log_in(accounts, policy, name="police", password="police-desk-password", now=T0 + timedelta(minutes=20))  # type: ignore[arg-type]
    assert later.principal is not None

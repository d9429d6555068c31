"""Logging in (登录): the password checked against its Argon2 hash, with lockout.

One answer for an unknown name, a wrong password and a disabled account, so the page
tells a guesser nothing; a locked account says so (the owner must know to wait), and
every attempt is in the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.common.http.access import Principal
from services.dispatch.accounts import passwords
from services.dispatch.accounts.lockout import LockoutPolicy
from services.dispatch.accounts.store import AccountStore


@dataclass(frozen=True)
class LoginResult:
    principal: Principal | None
    refusal: str | None = None  # Chinese, for the page
    outcome: str = "ok"  # for the audit log: ok, bad_credentials, locked


BAD = "用户名或密码不正确"


async def log_in(store: AccountStore, policy: LockoutPolicy, *, name: str, password: str, now: datetime) -> LoginResult:
    account = await store.get(name)
    if account is not None:
        until = policy.locked_until(account.get("failures", []), now)
        if until is not None:
            minutes = max(1, int((until - now).total_seconds() // 60) + 1)
            return LoginResult(None, f"登录失败次数过多，账号已暂时锁定，请约 {minutes} 分钟后再试", "locked")
    ok = passwords.verify(account["password_hash"] if account else None, password)
    if account is None or not account.get("active", True):
        return LoginResult(None, BAD, "bad_credentials")
    if not ok:
        failures = policy.after_failure(account.get("failures", []), now)
        await store.record_failures(name, failures)
        if policy.locked_until(failures, now):
            return LoginResult(None, f"登录失败次数过多，账号已暂时锁定，请 {int(policy.lock_for.total_seconds() // 60)} 分钟后再试",
                               "locked")
        return LoginResult(None, BAD, "bad_credentials")
    if passwords.needs_rehash(account["password_hash"]):
        await store.set_password(name, passwords.hash_password(password))
    await store.record_login(name, now)
    return LoginResult(Principal(account["_id"], account["role"], account.get("department")))

"""The only module that talks to MongoDB for accounts, sessions and the audit log.

The audit log is append-only by construction: this store only inserts and reads entries;
nothing in the code updates or deletes one (in production, give the service's database
user insert and find only on `audit`).
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.http.access import Principal
from libs.common.http.sessions import SessionRecord


class AccountExists(Exception):
    pass


class AccountStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.accounts = db["accounts"]
        self.sessions = db["sessions"]
        self.audit = db["audit"]

    async def create_indexes(self) -> None:
        await self.sessions.create_index([("expires_at", ASCENDING)])
        await self.audit.create_index([("at", DESCENDING)])
        await self.audit.create_index([("case_id", ASCENDING), ("at", ASCENDING)])

    # accounts
    async def create(self, *, name: str, role: str, department: str | None, display_name: str,
                     password_hash: str, now: datetime) -> None:
        try:
            await self.accounts.insert_one({"_id": name, "role": role, "department": department,
                                            "display_name": display_name, "password_hash": password_hash,
                                            "active": True, "failures": [], "created_at": now})
        except DuplicateKeyError:
            raise AccountExists(name) from None

    async def get(self, name: str) -> dict[str, Any] | None:
        return await self.accounts.find_one({"_id": name})

    async def set_password(self, name: str, password_hash: str) -> bool:
        result = await self.accounts.update_one({"_id": name}, {"$set": {"password_hash": password_hash, "failures": []}})
        return result.matched_count == 1

    async def record_failures(self, name: str, failures: list[datetime]) -> None:
        await self.accounts.update_one({"_id": name}, {"$set": {"failures": failures}})

    async def record_login(self, name: str, now: datetime) -> None:
        await self.accounts.update_one({"_id": name}, {"$set": {"failures": [], "last_login_at": now}})

    # sessions (libs.common.http.sessions.SessionStore)
    async def put(self, record: SessionRecord) -> None:
        p = record.principal
        await self.sessions.insert_one({"_id": record.sid_sha256, "name": p.name, "role": p.role, "department": p.department,
                                        "created_at": record.created_at, "expires_at": record.expires_at,
                                        "last_seen": record.last_seen})

    async def get_session(self, sid_sha256: str) -> SessionRecord | None:
        doc = await self.sessions.find_one({"_id": sid_sha256})
        if doc is None:
            return None
        return SessionRecord(doc["_id"], Principal(doc["name"], doc["role"], doc.get("department")),
                             doc["created_at"], doc["expires_at"], doc["last_seen"])

    async def touch(self, sid_sha256: str, at: datetime) -> None:
        await self.sessions.update_one({"_id": sid_sha256}, {"$set": {"last_seen": at}})

    async def delete(self, sid_sha256: str) -> None:
        await self.sessions.delete_one({"_id": sid_sha256})

    async def end_sessions_of(self, name: str) -> None:
        await self.sessions.delete_many({"name": name})

    # audit
    async def append(self, *, at: datetime, actor: Principal | None, action: str, case_id: str | None = None,
                     detail: str = "", outcome: str = "ok", address: str | None = None) -> None:
        await self.audit.insert_one({"_id": uuid.uuid4().hex, "at": at, "actor": actor.name if actor else None,
                                     "role": actor.role if actor else None,
                                     "department": actor.department if actor else None, "action": action,
                                     "case_id": case_id, "detail": detail[:500], "outcome": outcome, "address": address})

    async def read_audit(self, *, case_id: str | None = None, actor: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        query: dict[str, Any] = {}
        if case_id:
            query["case_id"] = case_id
        if actor:
            query["actor"] = actor
        cursor = self.audit.find(query).sort("at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]


class SessionsOf:
    """AccountStore seen as the SessionStore protocol (its `get` is the account's)."""

    def __init__(self, store: AccountStore) -> None:
        self.store = store

    async def put(self, record: SessionRecord) -> None:
        await self.store.put(record)

    async def get(self, sid_sha256: str) -> SessionRecord | None:
        return await self.store.get_session(sid_sha256)

    async def touch(self, sid_sha256: str, at: datetime) -> None:
        await self.store.touch(sid_sha256, at)

    async def delete(self, sid_sha256: str) -> None:
        await self.store.delete(sid_sha256)

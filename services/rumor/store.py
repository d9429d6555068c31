"""Claims in MongoDB: the clustering profile, the operator's desk (verdict, draft,
publication), the fan-out progress and the outbox, in ONE document per claim.

Every change that decides something moves the claim's `version` by compare-and-set: the
consumer absorbing a report and an operator publishing cannot interleave, so a report that
joins while a rebuttal is being published is either in the publication's reply list or
sees the publication and is answered at once, never neither. The fan-out counters are
plain atomic updates beside it: they decide nothing the CAS protects.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.events import Event
from libs.common.outbox import OutboxRelay, entry
from services.rumor.clustering.claims import ClaimProfile
from services.rumor.publishing.rebuttals import Desk

DESK_FIELDS = ("status", "verification", "draft", "publication")


class ClaimConflict(Exception):
    """The claim changed under us: retry with the fresh version."""


@dataclass(frozen=True)
class StoredClaim:
    profile: ClaimProfile
    desk: Desk
    version: int
    doc: dict[str, Any]  # the rest (report_ids, fanout, timestamps) for the API


def _stored(doc: dict[str, Any]) -> StoredClaim:
    desk = Desk.model_validate({"claim_id": doc["_id"], **{k: doc.get(k) for k in DESK_FIELDS if doc.get(k)}})
    return StoredClaim(ClaimProfile.model_validate(doc["profile"]), desk, doc["version"], doc)


def _doc(profile: ClaimProfile) -> dict[str, Any]:
    return {"profile": profile.model_dump(mode="json"), "keys": list(profile.keys),
            "last_seen": profile.last_seen, "version": profile.version}


def _outbox(events: list[tuple[Event, str]]) -> dict[str, Any]:
    return {"_outbox": {"$each": [entry(e, t) for e, t in events]}}


class RumorStore:
    def __init__(self, db: AsyncDatabase, relay: OutboxRelay | None = None) -> None:
        """Without a relay (an operator command), the running service's relay sweeps the entries up."""
        self.claims = db["claims"]
        self.relay = relay
        if relay is not None:
            relay.watch(self.claims)

    def _staged(self, claim_id: str, events: list[tuple[Event, str]]) -> None:
        if self.relay is not None and events:
            self.relay.staged_events(self.claims, claim_id, events)

    async def create_indexes(self) -> None:
        await self.claims.create_index([("keys", ASCENDING)])
        await self.claims.create_index([("report_ids", ASCENDING)])
        await self.claims.create_index([("status", ASCENDING), ("last_seen", DESCENDING)])

    # -- the consumer: clustering --------------------------------------------------------

    async def claim_of_report(self, report_id: str) -> str | None:
        doc = await self.claims.find_one({"report_ids": report_id}, {"_id": 1})
        return doc["_id"] if doc else None

    async def candidates(self, keys: list[str], now: datetime, ttl_days: float) -> list[StoredClaim]:
        cursor = self.claims.find({"keys": {"$in": keys}, "last_seen": {"$gte": now - timedelta(days=ttl_days)}},
                                  {"profile": 1, "version": 1, **{k: 1 for k in DESK_FIELDS}})
        return [_stored(doc) async for doc in cursor]

    async def insert(self, profile: ClaimProfile, events: list[tuple[Event, str]]) -> bool:
        doc = {"_id": profile.claim_id, **_doc(profile), "report_ids": list(profile.report_ids), "status": "open",
               "verdict": None, "opened_at": profile.first_seen, "_outbox": [entry(e, t) for e, t in events]}
        try:
            await self.claims.insert_one(doc)
        except DuplicateKeyError:
            return False
        self._staged(profile.claim_id, events)
        return True

    async def replace(self, old_version: int, profile: ClaimProfile, events: list[tuple[Event, str]]) -> None:
        # report_ids grows by $addToSet: the profile keeps only the latest ones (bounded), the
        # document keeps every one, because every reporter is answered when a rebuttal goes out.
        change: dict[str, Any] = {"$set": _doc(profile),
                                  "$addToSet": {"report_ids": {"$each": list(profile.report_ids[-1:])}}}
        if events:
            change["$push"] = _outbox(events)
        result = await self.claims.update_one({"_id": profile.claim_id, "version": old_version}, change)
        if result.modified_count != 1:
            raise ClaimConflict(profile.claim_id)
        self._staged(profile.claim_id, events)

    # -- operators: the desk ---------------------------------------------------------------

    async def load(self, claim_id: str) -> StoredClaim | None:
        doc = await self.claims.find_one({"_id": claim_id}, {"_outbox": 0})
        return _stored(doc) if doc else None

    async def save_desk(self, claim: StoredClaim, desk: Desk, events: list[tuple[Event, str]],
                        extra: dict[str, Any] | None = None) -> None:
        """The new desk state and the events it sends, atomically, if nobody changed the claim."""
        state = desk.model_dump(mode="python", include=set(DESK_FIELDS))
        change: dict[str, Any] = {"$set": {**state, "verdict": desk.verdict, **(extra or {})},
                                  "$inc": {"version": 1, "profile.version": 1}}
        if events:
            change["$push"] = _outbox(events)
        result = await self.claims.update_one({"_id": desk.claim_id, "version": claim.version}, change)
        if result.modified_count != 1:
            raise ClaimConflict(desk.claim_id)
        self._staged(desk.claim_id, events)

    async def bump_counter(self, claim_id: str, name: str) -> int:
        """The next number of a per-claim counter (re-publish attempts): BEFORE + 1, never AFTER."""
        before = await self.claims.find_one_and_update({"_id": claim_id}, {"$inc": {f"counters.{name}": 1}},
                                                       {"counters": 1})
        return int(((before or {}).get("counters") or {}).get(name, 0)) + 1

    async def list(self, *, status: str | None, limit: int, skip: int) -> tuple[int, list[StoredClaim]]:
        query = {"status": status} if status else {}
        total = await self.claims.count_documents(query)
        cursor = self.claims.find(query, {"_outbox": 0, "report_ids": 0, "keys": 0}).sort(
            [("last_seen", DESCENDING), ("_id", ASCENDING)]).skip(skip).limit(limit)
        return total, [_stored({**doc, "report_ids": []}) async for doc in cursor]

    async def count_open(self) -> int:
        return await self.claims.count_documents({"status": "open"})

    # -- fan-out progress ------------------------------------------------------------------

    async def record_delivered(self, claim_id: str, version: int, channel: str, now: datetime) -> datetime | None:
        """Count the channel in this version's fan-out; when it was the last planned channel,
        mark the fan-out complete and return its start time (to exactly one caller).

        The document BEFORE the push plus this channel is exactly the state this write made
        (AFTER may hand concurrent callers the same document here, INFRA.md)."""
        base = f"fanout.v{version}"
        before = await self.claims.find_one_and_update(
            {"_id": claim_id, f"{base}.delivered": {"$ne": channel}}, {"$push": {f"{base}.delivered": channel}},
            {base: 1})
        fan = ((before or {}).get("fanout") or {}).get(f"v{version}")
        if not fan or fan.get("completed_at") or not set(fan["planned"]) <= {*fan.get("delivered", []), channel}:
            return None
        won = await self.claims.update_one({"_id": claim_id, f"{base}.completed_at": None},
                                           {"$set": {f"{base}.completed_at": now}})
        return fan["started_at"] if won.modified_count == 1 else None

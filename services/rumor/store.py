"""Claims in MongoDB: the clustering profile, the operator's desk (verdict, draft,
publication), the fan-out progress and the outbox, in ONE document per claim.

Beside them, `claim_index` holds what the consumer looks up by `_id` alone, so its cost per
report stays flat however many claims are stored: the posting lists (`key@week` -> claim ids,
claim_lookup.py) and which claim each report joined (`report:<id>`). The claim document is
the truth; the index is written after it, and a report redelivered in between finds itself
in its claim's profile and writes the index again (`RumorDesk._place`).

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

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from libs.common.events import Event
from libs.common.outbox import OutboxRelay, entry
from services.rumor.clustering.claim_lookup import posting_id, shortlist, week_of, weeks_back
from services.rumor.clustering.claims import ClaimProfile
from services.rumor.params import ClaimParams
from services.rumor.publishing.rebuttals import Desk

DESK_FIELDS = ("status", "verification", "draft", "publication")
BACKFILLED = "meta:backfilled"  # claims stored before the index existed have been indexed


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
        self.index = db["claim_index"]
        self.relay = relay
        if relay is not None:
            relay.watch(self.claims)

    def _staged(self, claim_id: str, events: list[tuple[Event, str]]) -> None:
        if self.relay is not None and events:
            self.relay.staged_events(self.claims, claim_id, events)

    async def create_indexes(self, params: ClaimParams, now: datetime) -> None:
        await self.claims.create_index([("status", ASCENDING), ("last_seen", DESCENDING)])
        if await self.index.find_one({"_id": BACKFILLED}) is None:
            await self._backfill(params, now)

    async def _backfill(self, params: ClaimParams, now: datetime) -> None:
        """Once: index the claims stored before `claim_index` existed (a scan, at start only).
        Two instances starting together both write it: a claim listed twice in a posting is
        counted once (shortlist)."""
        live_since = now - timedelta(days=params.ttl_days)
        async for doc in self.claims.find({}, {"keys": 1, "last_seen": 1, "report_ids": 1}):
            keys = doc.get("keys", []) if doc.get("last_seen") and doc["last_seen"] >= live_since else []
            await self.write_index(doc["_id"], keys, week_of(doc.get("last_seen") or now), doc.get("report_ids", []),
                                   params)
        await self.index.update_one({"_id": BACKFILLED}, {"$set": {"at": now}}, upsert=True)

    # -- the consumer: clustering --------------------------------------------------------

    async def claim_of_report(self, report_id: str) -> str | None:
        doc = await self.index.find_one({"_id": f"report:{report_id}"}, {"claim_id": 1})
        return doc["claim_id"] if doc else None

    async def candidates(self, keys: list[str], now: datetime, params: ClaimParams) -> list[StoredClaim]:
        """The claims of the shortlist (claim_lookup.py), live ones only, best first: two
        reads by `_id`, whatever the number of stored claims."""
        ids = [posting_id(k, w) for k in dict.fromkeys(keys) for w in weeks_back(now, params.ttl_days)]
        postings: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        async for doc in self.index.find({"_id": {"$in": ids}}):
            key = doc["_id"].rsplit("@", 1)[0]
            postings.setdefault(key, set()).update(doc.get("claims", []))
            counts[key] = counts.get(key, 0) + int(doc.get("n", 0))
        short = shortlist(keys, postings, counts, max_candidates=params.max_candidates,
                          common_key_claims=params.common_key_claims)
        if not short:
            return []
        live_since = now - timedelta(days=params.ttl_days)
        docs = {doc["_id"]: doc async for doc in self.claims.find(
            {"_id": {"$in": short}}, {"profile": 1, "version": 1, "last_seen": 1, "index": 1,
                                      **{k: 1 for k in DESK_FIELDS}})}
        return [_stored(docs[i]) for i in short if i in docs and docs[i]["last_seen"] >= live_since]

    async def write_index(self, claim_id: str, keys: list[str], week: str, report_ids: list[str],
                          params: ClaimParams) -> None:
        """One bulk write: the claim under each of `keys` for `week`, and `report_ids` -> the
        claim. A posting keeps one entry past the common-key limit: by then the key is not
        looked up (only its count `n` still grows)."""
        ops = [UpdateOne({"_id": posting_id(k, week)},
                         {"$push": {"claims": {"$each": [claim_id], "$slice": params.common_key_claims + 1}},
                          "$inc": {"n": 1}}, upsert=True) for k in keys]
        ops += [UpdateOne({"_id": f"report:{r}"}, {"$setOnInsert": {"claim_id": claim_id}}, upsert=True)
                for r in report_ids]
        if ops:
            await self.index.bulk_write(ops, ordered=False)

    async def insert(self, profile: ClaimProfile, events: list[tuple[Event, str]],
                     indexed: dict[str, Any] | None = None) -> bool:
        """`indexed`: the week and keys `write_index` is about to put the claim under."""
        doc = {"_id": profile.claim_id, **_doc(profile), "report_ids": list(profile.report_ids), "status": "open",
               "verdict": None, "opened_at": profile.first_seen, "_outbox": [entry(e, t) for e, t in events],
               **({"index": indexed} if indexed else {})}
        try:
            await self.claims.insert_one(doc)
        except DuplicateKeyError:
            return False
        self._staged(profile.claim_id, events)
        return True

    async def replace(self, old_version: int, profile: ClaimProfile, events: list[tuple[Event, str]],
                      indexed: dict[str, Any] | None = None) -> None:
        # report_ids grows by $addToSet: the profile keeps only the latest ones (bounded), the
        # document keeps every one, because every reporter is answered when a rebuttal goes out.
        change: dict[str, Any] = {"$set": {**_doc(profile), **({"index": indexed} if indexed else {})},
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

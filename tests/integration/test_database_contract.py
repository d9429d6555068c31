"""What the services rely on from the database, proved against the real server
(mongo-java-server locally, any MongoDB through TEST_MONGO_URI) with PyMongo's async client:
atomic single-document updates under concurrency, sequence allocation, unique indexes as
the idempotency guard, the update operators and aggregation we use, and durability."""
from __future__ import annotations

import asyncio

import pytest
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError

from deploy.local.infra import MongoServer, free_port


@pytest.fixture
async def db(infra, mongo_db_name):
    client = AsyncMongoClient(infra.mongo_uri)
    yield client[mongo_db_name]
    await client.drop_database(mongo_db_name)
    await client.close()


async def test_concurrent_inc_updates_on_one_document_are_all_applied(db):
    await db.counters.insert_one({"_id": "c", "n": 0})
    await asyncio.gather(*(db.counters.update_one({"_id": "c"}, {"$inc": {"n": 1}}) for _ in range(100)))
    assert (await db.counters.find_one({"_id": "c"}))["n"] == 100


async def test_find_one_and_update_before_allocates_each_sequence_number_once(db):
    # The pattern for tracking numbers: the value *before* the $inc is the caller's number.
    async def allocate() -> int:
        before = await db.sequences.find_one_and_update(
            {"_id": "tracking"}, {"$inc": {"next": 1}}, upsert=True, return_document=ReturnDocument.BEFORE)
        return 0 if before is None else before["next"]

    numbers = await asyncio.gather(*(allocate() for _ in range(100)))
    assert sorted(numbers) == list(range(100))
    assert (await db.sequences.find_one({"_id": "tracking"}))["next"] == 100


async def test_unique_index_admits_exactly_one_of_fifty_concurrent_inserts(db):
    await db.inbox.create_index("event_id", unique=True)
    results = await asyncio.gather(*(db.inbox.insert_one({"event_id": "e-1", "attempt": i}) for i in range(50)),
                                   return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 49
    assert all(isinstance(f, DuplicateKeyError) for f in failures)
    assert await db.inbox.count_documents({"event_id": "e-1"}) == 1


async def test_racing_upserts_on_a_unique_key_leave_one_document(db):
    await db.cases.create_index("report_id", unique=True)

    async def upsert() -> bool:
        # A real MongoDB may answer a lost upsert race with DuplicateKeyError; callers retry.
        try:
            await db.cases.update_one({"report_id": "r-1"},
                                      {"$setOnInsert": {"status": "new"}, "$inc": {"seen": 1}}, upsert=True)
            return True
        except DuplicateKeyError:
            return False

    applied = sum(await asyncio.gather(*(upsert() for _ in range(30))))
    docs = await db.cases.find({"report_id": "r-1"}).to_list()
    assert len(docs) == 1
    assert docs[0]["seen"] == applied >= 1
    assert docs[0]["status"] == "new"


async def test_a_guarded_update_by_id_applies_only_while_its_guard_holds_and_races_have_one_winner(db):
    # The pattern of every case change: {_id, status, dispatch_no, ...} compare-and-set.
    await db.cases.insert_many([{"_id": f"c{i}", "status": "open", "round": 1, "seen": []} for i in range(50)])
    refused = await db.cases.update_one({"_id": "c7", "status": "closed"}, {"$set": {"status": "reopened"}})
    assert refused.matched_count == 0
    won = await asyncio.gather(*(db.cases.update_one({"_id": "c7", "round": 1, "seen": {"$ne": n}},
                                                     {"$set": {"round": 2}, "$push": {"seen": n}}) for n in range(20)))
    assert sum(r.modified_count for r in won) == 1
    assert (await db.cases.find_one({"_id": "c7"}))["round"] == 2
    many = await db.cases.update_many({"_id": {"$in": ["c1", "c2", "c3"]}, "status": "open"}, {"$set": {"status": "x"}})
    assert many.modified_count == 3
    found = [d["_id"] async for d in db.cases.find({"_id": {"$in": ["c1", "c4", "c7"]}, "status": "open"})]
    assert found == ["c4", "c7"]
    assert await db.cases.find_one({"_id": "c9", "status": {"$ne": "open"}}) is None


async def test_setoninsert_addtoset_push_and_max_update_as_documented(db):
    key = {"_id": "case-1"}
    await db.cases.update_one(key, {"$setOnInsert": {"created": 1}, "$addToSet": {"tags": "rumor"},
                                    "$push": {"history": "opened"}, "$max": {"severity": 2}}, upsert=True)
    await db.cases.update_one(key, {"$setOnInsert": {"created": 999}, "$addToSet": {"tags": "rumor"},
                                    "$push": {"history": "opened"}, "$max": {"severity": 1}}, upsert=True)
    await db.cases.update_one(key, {"$addToSet": {"tags": "fraud"}, "$max": {"severity": 5}})
    doc = await db.cases.find_one(key)
    assert doc["created"] == 1                       # $setOnInsert only on insert
    assert doc["tags"] == ["rumor", "fraud"]         # $addToSet keeps one of each
    assert doc["history"] == ["opened", "opened"]    # $push appends every time
    assert doc["severity"] == 5                      # $max keeps the larger


async def test_group_with_sum_and_max_accumulators_returns_both_right(db):
    await db.reports.insert_many([
        {"dept": "police", "status": "open", "score": 3},
        {"dept": "police", "status": "open", "score": 9},
        {"dept": "police", "status": "closed", "score": 10},
        {"dept": "market", "status": "open", "score": 4},
    ])
    pipeline = [{"$match": {"status": "open"}},
                {"$group": {"_id": "$dept", "count": {"$sum": 1}, "top": {"$max": "$score"}}},
                {"$sort": {"_id": 1}}]
    rows = await (await db.reports.aggregate(pipeline)).to_list()
    assert rows == [{"_id": "market", "count": 1, "top": 4}, {"_id": "police", "count": 2, "top": 9}]


async def test_data_survives_a_server_restart(infra, tmp_path):
    if infra.mongo is None:
        pytest.skip("TEST_MONGO_URI points at an external server, which this test cannot restart")
    # Its own server in its own folder: the session's server stays untouched.
    server = MongoServer(tmp_path, free_port())
    with server:
        client = AsyncMongoClient(server.uri)
        await client.restart_check.docs.insert_one({"_id": 1, "kept": True})
        await client.close()
    with server:  # same folder, same H2 file
        client = AsyncMongoClient(server.uri)
        assert await client.restart_check.docs.find_one({"_id": 1}) == {"_id": 1, "kept": True}
        await client.close()

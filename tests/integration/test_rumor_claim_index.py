"""Rumor's claim lookup on the real database: a report is compared with a shortlist read by
`_id` (however many claims are stored), still finds its own claim among hundreds that share
common words, is never counted twice when redelivered after a crash between the claim write
and the index write, and claims stored before the index existed are indexed at start."""
from __future__ import annotations

from datetime import UTC, datetime

from pymongo import AsyncMongoClient

from libs.common.clock import ManualClock
from libs.common.rulefile import Fixed
from services.rumor.clustering.claim_lookup import week_of
from services.rumor.clustering.claims import candidate_keys, new_claim
from services.rumor.handlers import RumorDesk
from services.rumor.params import load_params
from services.rumor.clustering.reports import RumorReport
from services.rumor.store import RumorStore
from tests.support.rumor import BRIDGE_TEXTS, triaged

NOW = datetime.now(UTC)  # triage's events (tests.support.rumor.triaged) carry the wall-clock time
OUTAGE = "网传青秀区某小区明天起停电一周，说是变电站爆炸了"


def _others(n: int) -> list[RumorReport]:
    """Rumors about other things, sharing the common words (网传, 大家, 明天, 南宁)."""
    return [RumorReport(id=f"other-{i}", text=f"网传南宁第{i}中学明天放假{i % 7 + 1}天，大家赶紧转发通知",
                        reported_at=NOW, location="南宁市青秀区") for i in range(n)]


async def _desk(infra, mongo_db_name) -> tuple[RumorDesk, AsyncMongoClient]:
    client = AsyncMongoClient(infra.mongo_uri, tz_aware=True)
    store, params = RumorStore(client[mongo_db_name]), load_params()
    await store.create_indexes(params.claims, NOW)
    return RumorDesk(store, relay=None, params_rules=Fixed(params), clock=ManualClock(NOW)), client  # type: ignore[arg-type]


async def test_a_paraphrase_finds_its_claim_among_hundreds_and_the_lookup_stays_short(infra, mongo_db_name):
    desk, client = await _desk(infra, mongo_db_name)
    try:
        await desk._place(triaged(0, BRIDGE_TEXTS[0]), RumorReport.from_content(triaged(0, BRIDGE_TEXTS[0]).report))
        for other in _others(300):
            profile = new_claim(other, desk.params)
            await desk.store.insert(profile, [])
            await desk.store.write_index(profile.claim_id, list(profile.keys), week_of(NOW), [other.id],
                                         desk.params.claims)
        again = RumorReport.from_content(triaged(9, BRIDGE_TEXTS[1]).report)
        found = await desk.store.candidates(candidate_keys(again, desk.params), NOW, desk.params.claims)
        assert 0 < len(found) <= desk.params.claims.max_candidates
        first = await desk.store.claim_of_report("rep-0")
        assert first in [c.profile.claim_id for c in found]
        await desk._place(triaged(9, BRIDGE_TEXTS[1]), again)
        assert await desk.store.claim_of_report("rep-9") == first
        assert (await desk.store.load(first)).profile.report_count == 2
    finally:
        await client.close()


async def test_a_report_redelivered_after_a_crash_before_its_index_write_is_not_counted_twice(
        infra, mongo_db_name):
    desk, client = await _desk(infra, mongo_db_name)
    store = desk.store
    written = store.write_index

    async def crash(*args, **kwargs):  # the process dies right after the claim document's write
        raise ConnectionError("killed")

    try:
        await desk._place(triaged(1, BRIDGE_TEXTS[0]), RumorReport.from_content(triaged(1, BRIDGE_TEXTS[0]).report))
        claim = await store.claim_of_report("rep-1")
        for n, text in ((2, BRIDGE_TEXTS[1]), (3, OUTAGE)):  # a join, then a new claim of its own
            store.write_index = crash  # type: ignore[method-assign]
            try:
                await desk._place(triaged(n, text), RumorReport.from_content(triaged(n, text).report))
            except ConnectionError:
                pass
            store.write_index = written  # type: ignore[method-assign]
            assert await store.claim_of_report(f"rep-{n}") is None  # the index write was lost
            await desk._place(triaged(n, text), RumorReport.from_content(triaged(n, text).report))  # redelivered
            assert await store.claim_of_report(f"rep-{n}") is not None
        assert await store.claim_of_report("rep-2") == claim
        assert (await store.load(claim)).profile.report_count == 2  # rep-1 and rep-2, rep-2 once
        other = await store.claim_of_report("rep-3")
        assert other != claim and (await store.load(other)).profile.report_count == 1
        assert await store.claims.count_documents({}) == 2
    finally:
        await client.close()


async def test_claims_stored_before_the_index_existed_are_indexed_at_start(infra, mongo_db_name):
    client = AsyncMongoClient(infra.mongo_uri, tz_aware=True)
    try:
        params = load_params()
        old = RumorStore(client[mongo_db_name])
        report = RumorReport.from_content(triaged(1, BRIDGE_TEXTS[0]).report).model_copy(update={"reported_at": NOW})
        profile = new_claim(report, params)
        await old.insert(profile, [])  # as the previous version stored it: no index entries
        store = RumorStore(client[mongo_db_name])
        await store.create_indexes(params.claims, NOW)
        assert await store.claim_of_report("rep-1") == profile.claim_id
        again = RumorReport.from_content(triaged(2, BRIDGE_TEXTS[1]).report)
        found = await store.candidates(candidate_keys(again, params), NOW, params.claims)
        assert profile.claim_id in [c.profile.claim_id for c in found]
    finally:
        await client.close()

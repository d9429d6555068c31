"""A report is never lost: with Kafka down, intake still answers 202 (the report and its event
are stored in one insert); when Kafka is back, every report reaches `reports.submitted`
exactly once. Stops and restarts the session's own Kafka on the same ports, and leaves it
running whatever happens."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from libs.common.metrics import OUTBOX_BACKLOG
from libs.common.topics import REPORTS_SUBMITTED
from services.intake.app import create_app
from tests.support.intake import read_topic, running, settings_for, wait_for


async def test_reports_taken_while_kafka_is_down_reach_kafka_exactly_once_when_it_returns(infra, topic_prefix, mongo_db_name):
    if infra.kafka is None:
        pytest.skip("Kafka is external (TEST_KAFKA_BOOTSTRAP): this test must stop and restart the session's own Kafka")
    settings = settings_for(infra, topic_prefix, mongo_db_name)
    topic = settings.topic(REPORTS_SUBMITTED)
    app = create_app(settings)
    relay = app.state.ctx.relay
    stopped = False
    try:
        async with running(app) as client:
            before = (await client.post("/api/v1/reports", json={"text": "Kafka 正常时的举报：某网站售卖枪支"})).json()
            await read_topic(infra.kafka_bootstrap, topic,
                             until=lambda ms: before["report_id"] in {m["report"]["report_id"] for m in ms})

            await asyncio.to_thread(infra.kafka.stop)
            stopped = True
            texts = [f"Kafka 停机期间的第{i}条举报：某群组传播淫秽视频" for i in range(5)]
            answers = [await client.post("/api/v1/reports", json={"text": t}) for t in texts]
            assert [a.status_code for a in answers] == [202] * 5
            during = {a.json()["report_id"] for a in answers}
            assert await relay.measure_backlog() == 5
            await asyncio.sleep(3)  # the relay tries, fails, and keeps the events
            assert await relay.measure_backlog() == 5

            await asyncio.to_thread(infra.kafka.start)
            await asyncio.to_thread(infra.kafka.wait_ready, 120)
            stopped = False
            relay.poke()
            await wait_for(lambda: _backlog_is_zero(relay), timeout=120, interval=0.5)
            wanted = during | {before["report_id"]}
            published = await read_topic(infra.kafka_bootstrap, topic, timeout=120, settle_s=5,
                                         until=lambda ms: wanted <= {m["report"]["report_id"] for m in ms})
    finally:
        if stopped:  # never leave the shared Kafka down for the tests after this one
            await asyncio.to_thread(infra.kafka.start)
            await asyncio.to_thread(infra.kafka.wait_ready, 120)

    per_report = Counter(m["report"]["report_id"] for m in published)
    assert {r: per_report[r] for r in wanted} == {r: 1 for r in wanted}
    assert len(published) == len(wanted) and len({m["event_id"] for m in published}) == len(wanted)
    assert OUTBOX_BACKLOG.labels(service="intake")._value.get() == 0


async def _backlog_is_zero(relay) -> bool:  # type: ignore[no-untyped-def]
    return await relay.measure_backlog() == 0


async def test_an_entry_kafka_refuses_for_good_is_set_aside_and_the_entries_after_it_are_published(
        infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name)
    topic = settings.topic(REPORTS_SUBMITTED)
    app = create_app(settings)
    relay = app.state.ctx.relay
    async with running(app) as client:
        first = (await client.post("/api/v1/reports", json={"text": "第一条：某网站售卖管制刀具"})).json()
        await read_topic(infra.kafka_bootstrap, topic, until=lambda ms: first["report_id"] in {m["report"]["report_id"] for m in ms})
        reports = app.state.ctx.store.reports
        stored = await app.state.ctx.store.get_by_id(report_id=first["report_id"])
        # A 2 MB entry (over the producer's and the broker's limit) queued before a normal one
        # in the same lane: the old relay retried it forever and nothing behind it moved.
        template = {"topic": REPORTS_SUBMITTED, "key": "same-lane", "type": "report.submitted", "at": None}
        huge = {**template, "event_id": "too-large-1", "value": "x" * 2_000_000}
        normal = {**template, "event_id": "after-the-large-one", "value": '{"probe": "after-the-large-one"}'}
        await reports.update_one({"_id": stored["_id"]}, {"$push": {"_outbox": {"$each": [huge, normal]}}})
        relay.sweep_soon()
        await wait_for(lambda: _backlog_is_zero(relay), timeout=60, interval=0.5)
        after = await read_topic(infra.kafka_bootstrap, topic, until=lambda ms: any(m.get("probe") for m in ms))
        set_aside = (await reports.find_one({"_id": stored["_id"]}))["_outbox_failed"]
    assert [m["probe"] for m in after if m.get("probe")] == ["after-the-large-one"]
    assert [(f["event_id"], len(f["value"])) for f in set_aside] == [("too-large-1", 2000)]
    assert "TooLarge" in set_aside[0]["reason"]

"""Triage over the real Kafka and database: reports about one target join one case whether
they arrive in one batch or apart, a repeated message is judged once, an empty report is
answered as invalid, and the stored case is what the events say."""
from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from libs.common.clock import SystemClock

from libs.common.events import ReportContent, ReportSubmitted, derive_event_id
from libs.common.topics import REPORTS_REPLIES, REPORTS_SUBMITTED, REPORTS_TRIAGED
from tests.support.intake import publish, read_topic, running
from services.triage.app import create_app
from services.triage.handlers import Triage
from services.triage.rules import RulesHolder
from services.triage.settings import TriageSettings
from services.triage.store import TriageStore


def _report(n: int, text: str, url: str | None = None) -> ReportSubmitted:
    content = ReportContent(report_id=f"r{n}", tracking_no=f"NN-20261201-{n:06d}", channel="web", text=text,
                            target_urls=[url] if url else [], location="南宁市青秀区")
    return ReportSubmitted(event_id=derive_event_id(f"r{n}", "submitted"), report=content)


GAMBLING = "有人在微信群里天天发博彩网站链接，充值一百送一百，拉人下注，已经有好几个人输了钱。"
FRAUD = "抖音上有人冒充快递客服说要理赔，让我下载会议软件共享屏幕，骗走了两万块，请尽快处理。"


async def test_reports_about_one_target_join_one_case_in_one_batch_and_apart(infra, topic_prefix, mongo_db_name):
    settings = TriageSettings(KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap, MONGO_URI=infra.mongo_uri,
                              TOPIC_PREFIX=topic_prefix, MONGO_DB_PREFIX=mongo_db_name, LOG_JSON=False)
    app = create_app(settings)
    first, same_target, other, empty = (
        _report(1, GAMBLING, "https://bet.example.com/reg?utm_source=wx"),
        _report(2, "这个博彩网站还在拉人充值下注，群主每天发链接。", "https://bet.example.com/reg?spm=abc"),
        _report(3, FRAUD, "https://v.douyin.com/fraud-1"),
        _report(4, "测试"),
    )
    async with running(app):
        # One go, so the consumer takes them in one batch; the first is repeated in it.
        await publish(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED), first, first, same_target, other, empty)
        triaged = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_TRIAGED), until=lambda ms: len(ms) >= 4)
        later = _report(5, "又看到那个博彩链接在群里发，充值送彩金。", "https://bet.example.com/reg")
        await publish(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED), later, first)
        triaged = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_TRIAGED), until=lambda ms: len(ms) >= 5,
                                   settle_s=2)
        replies = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES), until=lambda ms: len(ms) >= 1)

    by_report = {}
    for event in triaged:
        assert event["report"]["report_id"] not in by_report, "a report was triaged twice"
        by_report[event["report"]["report_id"]] = event
    assert set(by_report) == {"r1", "r2", "r3", "r4", "r5"}
    case = by_report["r1"]["case"]["case_id"]
    # r1 and r2 are on different partitions (keyed by report): either may come first and open the case.
    assert by_report["r2"]["case"]["case_id"] == case
    assert sorted(by_report[r]["case"]["is_new"] for r in ("r1", "r2")) == [False, True]
    assert sorted(by_report[r]["case"]["report_count"] for r in ("r1", "r2")) == [1, 2]
    assert by_report["r5"]["case"]["case_id"] == case and by_report["r5"]["case"]["report_count"] == 3
    assert by_report["r3"]["case"]["case_id"] != case and by_report["r3"]["case"]["is_new"] is True
    assert by_report["r4"]["decision"]["valid"] is False
    assert [(m["report_id"], m["kind"]) for m in replies] == [("r4", "invalid")]

    client = AsyncMongoClient(infra.mongo_uri, tz_aware=True)
    try:
        stored = await client[settings.mongo_db]["cases"].find_one({"_id": case})
        decisions = await client[settings.mongo_db]["decisions"].count_documents({})
    finally:
        await client.close()
    assert sorted(stored["report_ids"]) == ["r1", "r2", "r5"] and stored["report_count"] == 3
    assert decisions == 5


class _KilledHere:
    """The case-key index as a triage killed -9 right after storing a new case sees it: never written."""

    async def bulk_write(self, *_: object, **__: object) -> None:
        raise ConnectionError("triage killed -9 before the key index and the decision were written")

    def find(self, *_: object, **__: object):  # type: ignore[no-untyped-def]
        return _Empty()


class _Empty:
    def __aiter__(self) -> "_Empty":
        return self

    async def __anext__(self) -> None:
        raise StopAsyncIteration


async def test_a_report_whose_case_was_stored_before_a_crash_is_judged_again_into_that_case_not_a_second(
        infra, mongo_db_name):
    """The fault tests' triage kill -9 found it: a report's case stored, the process killed
    before its decision; meanwhile another report about the same target opened a case (the
    key index did not name the first); the redelivered report then joined that one too."""
    client = AsyncMongoClient(infra.mongo_uri, tz_aware=True)
    try:
        store = TriageStore(client[mongo_db_name])
        triage = Triage(store, None, RulesHolder(), SystemClock())  # type: ignore[arg-type]  # no publishing here
        first = _report(11, GAMBLING, "https://bet.example.com/reg?utm_source=wx")
        later = _report(12, "这个博彩网站还在拉人充值下注，群主每天发链接。", "https://bet.example.com/reg?spm=abc")
        index, store.case_keys = store.case_keys, _KilledHere()  # type: ignore[assignment]
        with pytest.raises(ConnectionError):
            await triage._judge_all([first])
        store.case_keys = index
        (other,) = await triage._judge_all([later])
        (again,) = await triage._judge_all([first])  # the redelivery

        lists_first = [doc["_id"] async for doc in store.cases.find({"report_ids": "r11"}, {"_id": 1})]
        assert lists_first == [again.case.case_id], (lists_first, again.case, other.case)
    finally:
        await client.close()

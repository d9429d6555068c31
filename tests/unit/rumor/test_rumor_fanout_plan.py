"""Fan-out planning: one delivery per channel on its own topic, one reply per reporter, with
ids that a retried operator action reproduces; who gets a correction or a re-publish."""
from __future__ import annotations

from datetime import UTC, datetime

from libs.common.events import MediaDelivery, ReporterReply, RumorEvent
from services.rumor.publishing import fanout, rebuttals
from services.rumor.publishing.rebuttals import Desk, RebuttalContent

T0 = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)
CONTENT = RebuttalContent(title="“停水三天”系谣言", body="全市供水正常。", authority="南宁建宁水务集团",
                          claim_reviewed="南宁全市停水三天")


def desk(verdict="false", channels=("website", "weibo", "nn-police")) -> Desk:
    d = rebuttals.attach(rebuttals.verify(Desk(claim_id="clm-9"), verdict=verdict, note="", by=None, at=T0), CONTENT)
    return rebuttals.publish(d, channels=channels, url="https://c.example/rebuttals/r", at=T0)


def test_publishing_plans_the_event_one_delivery_per_channel_and_one_reply_per_distinct_reporter():
    staged = fanout.plan(desk(), ["rep-1", "rep-2", "rep-1"])
    topics = [topic for _, topic in staged]
    assert topics == ["rumors.events", "media.website", "media.weibo", "media.nn-police",
                      "reports.replies", "reports.replies"]
    event, deliveries = staged[0][0], [e for e, _ in staged[1:4]]
    assert isinstance(event, RumorEvent) and event.kind == "published" and event.data["channels"] == 3
    assert all(isinstance(d, MediaDelivery) and d.version == 1 and d.action == "publish" for d in deliveries)
    assert {d.channel for d in deliveries} == {"website", "weibo", "nn-police"}  # type: ignore[union-attr]
    assert deliveries[0].verdict == "false" and deliveries[0].claim_reviewed == "南宁全市停水三天"  # type: ignore[union-attr]


def test_a_retried_publication_stages_the_same_ids_and_every_id_is_distinct():
    first, second = fanout.plan(desk(), ["rep-1"]), fanout.plan(desk(), ["rep-1"])
    assert [e.event_id for e, _ in first] == [e.event_id for e, _ in second]
    assert len({e.event_id for e, _ in first}) == len(first)
    republished = fanout.delivery(desk(), "weibo", republish_no=1)
    assert republished.event_id not in {e.event_id for e, _ in first}


def test_reporters_are_told_the_verdict_in_words_with_the_link():
    reply = fanout.reporter_reply(desk(), "rep-1")
    assert isinstance(reply, ReporterReply) and reply.kind == "rebuttal" and reply.status == "rebutted"
    assert "谣言" in reply.text and reply.link == "https://c.example/rebuttals/r" and reply.key == "rep-1"
    true_reply = fanout.reporter_reply(desk("true"), "rep-1")
    assert "属实" in true_reply.text and true_reply.status is None
    corrected = rebuttals.correct(desk(), content=CONTENT.model_copy(update={"body": "更新"}), note="补充说明",
                                  channels=("weibo",), at=T0)
    correction = fanout.reporter_reply(corrected, "rep-1")
    assert correction.kind == "correction" and "补充说明" in correction.text and "第2版" in correction.text


def test_outcomes_per_channel_and_who_a_correction_goes_to():
    outcomes = fanout.channel_outcomes([("weibo", "delivered"), ("nn-police", "failed"), ("nn-police", "failed"),
                                        ("nn-tv", "failed"), ("nn-tv", "delivered"), ("wechat", "retrying")])
    assert outcomes == {"weibo": "delivered", "nn-police": "failed", "nn-tv": "delivered", "wechat": "pending"}
    # planned website has no delivery yet (still in Kafka): kept; nn-police never showed it: left out;
    # nn-tv was not planned but got it by a re-publish: included.
    targets = fanout.revision_targets(("website", "weibo", "nn-police", "wechat"), outcomes)
    assert targets == ("website", "weibo", "wechat", "nn-tv")


def test_a_re_publish_sends_a_first_publication_to_a_channel_that_never_showed_it():
    pub = desk().publication
    assert pub is not None
    assert fanout.republish_action(pub, None) == "publish"
    assert fanout.republish_action(pub, "failed") == "publish"
    assert fanout.republish_action(pub, "delivered") == "publish"
    withdrawn = rebuttals.withdraw(desk(), reason="x", channels=(), at=T0).publication
    assert withdrawn is not None
    assert fanout.republish_action(withdrawn, "delivered") == "withdraw"
    assert fanout.republish_action(withdrawn, "failed") is None


def test_a_late_reporter_hears_the_current_version_as_news_and_nothing_once_withdrawn():
    assert fanout.late_reply(rebuttals.verify(Desk(claim_id="clm-9"), verdict="false", note="", by=None, at=T0),
                             "rep-9") is None
    corrected = rebuttals.correct(desk(), content=CONTENT.model_copy(update={"title": "“停水三天”系谣言（更正）"}),
                                  note="标题更正", channels=("weibo",), at=T0)
    reply = fanout.late_reply(corrected, "rep-9")
    assert reply is not None and reply.kind == "rebuttal" and reply.status == "rebutted"
    assert "（更正）" in reply.text and "谣言" in reply.text and "更正说明" not in reply.text
    assert fanout.late_reply(rebuttals.withdraw(desk(), reason="x", channels=(), at=T0), "rep-9") is None

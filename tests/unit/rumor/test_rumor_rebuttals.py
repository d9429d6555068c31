"""核实查证 → 稿件 → 发布 → 更正 / 撤回, as pure transitions, with the reasons they refuse."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.rumor.publishing import rebuttals
from services.rumor.publishing.rebuttals import Desk, RebuttalContent, Refused

T0 = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)
CONTENT = RebuttalContent(title="“邕江大桥即将垮塌”系谣言", body="经检测，桥梁结构安全。", authority="南宁市住房和城乡建设局",
                          claim_reviewed="邕江大桥即将垮塌", evidence_links=("https://example.gov.cn/a",))
CHANNELS = ("website", "weibo", "nn-police")


def published() -> Desk:
    desk = rebuttals.verify(Desk(claim_id="clm-1"), verdict="false", note="已核实", by="值班员甲", at=T0)
    desk = rebuttals.attach(desk, CONTENT)
    return rebuttals.publish(desk, channels=CHANNELS, url="https://center.example/rebuttals/x", at=T0 + timedelta(hours=1))


def test_a_verified_claim_with_a_draft_publishes_version_1_to_every_channel():
    desk = published()
    pub = desk.publication
    assert desk.status == "published" and pub is not None
    assert (pub.version, pub.state, pub.verdict, pub.action, pub.channels) == (1, "published", "false", "publish", CHANNELS)
    assert pub.rebuttal_id == rebuttals.rebuttal_id_for("clm-1") == rebuttals.rebuttal_id_for("clm-1")
    assert pub.published_at == pub.updated_at == T0 + timedelta(hours=1)


def test_a_correction_is_a_new_version_that_keeps_the_first_publication_time():
    desk = published()
    new = CONTENT.model_copy(update={"body": "经检测，桥梁结构安全。附检测报告。"})
    corrected = rebuttals.correct(desk, content=new, note="补充检测报告", channels=("weibo",), at=T0 + timedelta(hours=2))
    pub = corrected.publication
    assert pub is not None and (pub.version, pub.action, pub.channels) == (2, "correct", ("weibo",))
    assert pub.published_at == T0 + timedelta(hours=1) and pub.revisions[-1].note == "补充检测报告"
    with pytest.raises(Refused) as same:
        rebuttals.correct(corrected, content=new, note="再来", channels=(), at=T0)
    assert same.value.code == "no_change"


def test_a_withdrawal_ends_the_publication_and_a_new_verdict_can_be_published_again_as_the_next_version():
    withdrawn = rebuttals.withdraw(published(), reason="结论有误", channels=CHANNELS, at=T0 + timedelta(hours=3))
    assert withdrawn.status == "withdrawn" and withdrawn.publication is not None
    assert (withdrawn.publication.version, withdrawn.publication.action) == (2, "withdraw")
    with pytest.raises(Refused):
        rebuttals.withdraw(withdrawn, reason="again", channels=CHANNELS, at=T0)
    again = rebuttals.verify(withdrawn, verdict="unverifiable", note="", by=None, at=T0 + timedelta(hours=4))
    assert again.status == "withdrawn" and again.verdict == "unverifiable"
    republished = rebuttals.publish(again, channels=CHANNELS, url="u", at=T0 + timedelta(hours=5))
    pub = republished.publication
    assert pub is not None and (pub.version, pub.state, pub.verdict, pub.action) == (3, "published", "unverifiable", "publish")


@pytest.mark.parametrize(("step", "code"), [
    (lambda d: rebuttals.attach(d, CONTENT), "not_verified"),
    (lambda d: rebuttals.publish(d, channels=CHANNELS, url="u", at=T0), "not_verified"),
    (lambda d: rebuttals.publish(rebuttals.verify(d, verdict="false", note="", by=None, at=T0),
                                 channels=CHANNELS, url="u", at=T0), "no_draft"),
    (lambda d: rebuttals.correct(d, content=CONTENT, note="x", channels=(), at=T0), "not_published"),
])
def test_steps_out_of_order_are_refused_with_the_reason(step, code):
    with pytest.raises(Refused) as refused:
        step(Desk(claim_id="clm-1"))
    assert refused.value.code == code and refused.value.message


def test_a_published_claim_cannot_be_re_verified_re_drafted_or_published_twice():
    desk = published()
    for step in (lambda: rebuttals.verify(desk, verdict="true", note="", by=None, at=T0),
                 lambda: rebuttals.attach(desk, CONTENT),
                 lambda: rebuttals.publish(desk, channels=CHANNELS, url="u", at=T0)):
        with pytest.raises(Refused) as refused:
            step()
        assert refused.value.code == "already_published"

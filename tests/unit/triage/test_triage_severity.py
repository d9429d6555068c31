"""Severity policy (分级处置): base, zone floors, one-level raises, triggers, volume."""
import pytest

from services.triage.decide import triage
from services.triage.lexicon import Hits
from services.triage.severity import SeverityInput, assess

from .conftest import make_report


def _level(rules, category, zone=None, confidence=0.9, reports=1):
    level, _ = assess(SeverityInput(category, zone, confidence, reports), Hits([]), rules.severity)
    return level


@pytest.mark.parametrize(("category", "level"), [
    ("terror_violence", "important"), ("fraud", "important"), ("gambling", "important"),
    ("pornography", "important"), ("vulgar", "general"), ("infringement", "general"),
    ("other", "general"), ("rumor", "general"),
])
def test_base_level_follows_the_category(rules, category, level):
    assert _level(rules, category) == level


def test_minors_raise_severity_one_level(rules):
    assert _level(rules, "vulgar", "minors") == "important"
    assert _level(rules, "fraud", "minors") == "difficult"  # important + 1 in the order


def test_raise_one_level_is_explicit_in_the_rules_data(rules):
    order = rules.severity.order
    for level, raised in rules.severity.raise_one_level.items():
        assert order.index(raised) == min(order.index(level) + 1, len(order) - 1)


def test_enterprise_infringement_and_cyberbullying_are_at_least_important(rules):
    assert _level(rules, "infringement", "cyberbullying") == "important"
    assert _level(rules, "rumor", "enterprise_infringement") == "important"


@pytest.mark.parametrize("zone", ["algorithm", "historical_nihilism", "practitioner_misconduct"])
def test_expert_review_zones_are_difficult(rules, zone):
    assert _level(rules, "other", zone) == "difficult"


def test_low_classifier_confidence_is_difficult(rules):
    assert _level(rules, "rumor", confidence=0.2) == "difficult"


def test_many_reports_of_one_case_within_an_hour_raise_it_one_level(rules):
    threshold = rules.severity.volume.reports_last_hour
    assert _level(rules, "rumor", reports=threshold - 1) == "general"
    assert _level(rules, "rumor", reports=threshold) == "important"


def test_volume_is_passed_through_triage(rules):
    report = make_report("抖音上有人说明年起取消住房公积金，官方没发过，应该是谣言")
    assert triage(report, rules, reports_last_hour=1).severity == "general"
    raised = triage(report, rules, reports_last_hour=50)
    assert raised.severity == "important"
    assert any(r.rule == "severity.volume" for r in raised.reasons)


def test_threat_with_a_concrete_place_and_time_is_major(rules):
    text = "有人在贴吧发帖说明天中午要去市二中门口砍人，还晒了刀的照片"
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity) == ("terror_violence", "major")


def test_selling_weapons_without_a_threat_is_important(rules):
    text = "闲鱼上有人卖仿真枪和钢珠，说威力很大，私聊发货"
    assert triage(make_report(text), rules).severity == "important"


def test_sexual_content_involving_minors_is_major(rules):
    text = "有人在群里卖初中女生的裸照和视频，说是偷拍的，几十块一套"
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity) == ("pornography", "major")


def test_rumor_about_an_unfolding_disaster_is_emergency(rules):
    text = "现在暴雨还在下，群里疯传上游水库要溃坝了，让大家马上撤离，好多人在往外跑，官方没有通知"
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity) == ("rumor", "emergency")


def test_an_old_rumor_recycled_is_general(rules):
    text = "又有人转那个多年前的旧视频，说某地地震死了很多人，换了个地名又发出来"
    assert triage(make_report(text), rules).severity == "general"


def test_fraud_draining_victims_right_now_is_emergency(rules):
    text = "急！我爸正在按骗子的要求转账，刚刚又转了两万，对方冒充公安局，电话还没挂"
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity) == ("fraud", "emergency")


def test_live_self_harm_is_emergency(rules):
    text = "有人正在直播说不想活了，镜头前摆着一瓶安眠药，直播还开着，快报警"
    assert triage(make_report(text), rules).severity == "emergency"


def test_disputed_enterprise_infringement_is_difficult(rules):
    text = ("有个顾客在网上发帖说我们公司的产品有质量问题，我们的检测报告是合格的，"
            "他的报告说不合格，两份报告说法不一，双方各执一词，现在很多人骂我们公司")
    decision = triage(make_report(text), rules)
    assert decision.zone == "enterprise_infringement"
    assert decision.severity == "difficult"


def test_every_level_change_is_a_reason(rules):
    decision = triage(make_report("我女儿才12岁，在游戏里被人骗扫码付款三千块"), rules)
    rules_fired = [r.rule for r in decision.reasons]
    assert "severity.base" in rules_fired and "severity.raise_zone" in rules_fired


def test_conflicting_model_and_terms_make_a_case_difficult(rules):
    case = SeverityInput("rumor", None, 0.55, model_top=("rumor", 0.8), lexicon_top=("fraud", 9.0))
    level, reasons = assess(case, Hits([]), rules.severity)
    assert level == "difficult"
    assert any(r.rule == "severity.conflicting_signals" for r in reasons)


def test_agreeing_model_and_terms_are_not_a_conflict(rules):
    case = SeverityInput("rumor", None, 0.55, model_top=("rumor", 0.8), lexicon_top=("rumor", 9.0))
    assert assess(case, Hits([]), rules.severity)[0] == "general"

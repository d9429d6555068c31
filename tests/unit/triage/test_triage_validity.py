"""Validity: empty, gibberish, test, vague and off-topic reports are invalid, with a reply."""
import pytest

from services.triage.decide import triage

from .conftest import make_report


@pytest.mark.parametrize(("text", "kind"), [
    ("", "empty"),
    ("   。。。   ", "empty"),
    ("sdfjkl阿斯顿发阿斯顿发", "gibberish"),
    ("哈哈哈哈哈哈哈哈哈哈哈哈", "gibberish"),
    ("测试一下", "test"),
    ("测试测试，看看能不能用", "test"),
])
def test_empty_gibberish_and_test_reports_are_invalid(rules, text, kind):
    decision = triage(make_report(text), rules)
    assert not decision.valid
    assert any(r.rule == f"validity.{kind}" for r in decision.reasons)


@pytest.mark.parametrize("text", [
    "楼上邻居每天半夜装修，噪音太大了，根本睡不着觉",
    "我网购的快递一个星期了还没送到，快递公司电话也打不通",
    "请问你们单位招不招人？我想找一份工作",
    "老板拖欠了我两个月工资，我要去哪里投诉",
])
def test_off_topic_reports_are_invalid_with_a_reply_for_the_reporter(rules, text):
    decision = triage(make_report(text), rules)
    assert not decision.valid
    assert decision.invalid_reason and any("\u4e00" <= ch <= "\u9fff" for ch in decision.invalid_reason)


def test_invalid_reports_are_other_general_without_zone(rules):
    decision = triage(make_report("测试"), rules)
    assert (decision.category, decision.zone, decision.severity) == ("other", None, "general")


def test_a_long_report_that_mentions_testing_is_not_a_test(rules):
    text = "有人在群里说要测试一下我们的底线，天天发淫秽视频和招嫖广告，群里几百人，请处理"
    assert triage(make_report(text), rules).valid


def test_an_off_topic_word_does_not_invalidate_an_online_harm_report(rules):
    text = "邻居在抖音上发视频辱骂我，还把我家地址和电话公开了，现在好多人打电话骂我"
    assert triage(make_report(text), rules).valid


def test_the_hint_does_not_make_an_off_topic_report_valid(rules):
    decision = triage(make_report("小区门口的路灯坏了一个月了，晚上很黑", category_hint="fraud"), rules)
    assert not decision.valid


def test_a_long_genuine_report_is_not_gibberish(rules):
    paragraph = ("我要举报一个网络赌博团伙，他们在微信群里组织百家乐和六合彩下注，群主每天晚上开盘，"
                 "用个人收款码收钱，群里有三百多人，很多是退休老人，已经有人输掉了全部积蓄。")
    decision = triage(make_report(paragraph * 12), rules)
    assert decision.valid and decision.category == "gambling"


def test_an_empty_description_is_empty_even_when_an_account_is_named(rules):
    decision = triage(make_report("  ", target_account="抖音 @菠菜导师带你上岸"), rules)
    assert not decision.valid
    assert any(r.rule == "validity.empty" for r in decision.reasons)

"""Category and zone: model, lexicon and hint combined; the hint is evidence, not truth."""
import pytest

from services.triage.decide import triage

from .conftest import make_report

CLEAR_CASES = [
    ("terror_violence", "有人在群里卖自制的土枪和火药，还发了打靶的视频，说可以送货上门"),
    ("fraud", "有人冒充银行客服打电话，让我把存款转到安全账户，说不转就冻结我的卡"),
    ("pornography", "这个网站全是淫秽视频，首页还有招嫖的广告和联系方式"),
    ("vulgar", "主播直播时满嘴脏话，还做不雅动作，专门拿低俗段子博眼球"),
    ("gambling", "朋友圈有人拉人去境外网站下注百家乐，说充值送彩金"),
    ("infringement", "有人盗用我的照片在网上冒充我，还把我的手机号和住址公开了"),
    ("rumor", "群里都在传明天全市停水三天，自来水公司根本没发过这个通知，是谣言吧"),
    ("other", "有人在网上卖野生动物，穿山甲鳞片和熊胆都有，还说可以快递"),
]


@pytest.mark.parametrize(("category", "text"), CLEAR_CASES)
def test_each_category_is_recognised_from_a_plain_description(rules, category, text):
    assert triage(make_report(text), rules).category == category


def test_hint_alone_does_not_decide_category(rules):
    text = "评论区有人天天发菠菜平台的链接，说首充送百分之百，拉人进群下注"
    assert triage(make_report(text, category_hint="rumor"), rules).category == "gambling"


def test_hint_is_recorded_as_overruled_when_the_text_disagrees(rules):
    decision = triage(make_report("群里有人组织网络赌博，按局抽水", category_hint="vulgar"), rules)
    hint = [r for r in decision.reasons if r.rule == "hint.category"]
    assert hint and "overruled" in hint[0].detail


def test_hint_tips_a_close_call_towards_the_reporters_choice(rules):
    text = "这个账号发的内容很不好，希望处理"
    with_hint = triage(make_report(text, category_hint="vulgar"), rules)
    without = triage(make_report(text), rules)
    assert with_hint.scores.get("category:vulgar", 0) > without.scores.get("category:vulgar", 0)


def test_evasion_spellings_still_reach_gambling(rules):
    text = "有人在群里发“菠/菜/上/岸”，让大家加 v 进群玩 d u b o"
    assert triage(make_report(text), rules).category == "gambling"


def test_traditional_chinese_report_is_classified(rules):
    text = "有人在網上冒充公安局，說我涉嫌洗錢，讓我把錢轉到安全帳戶，這是詐騙"
    assert triage(make_report(text), rules).category == "fraud"


def test_stated_age_of_a_child_gives_the_minors_zone(rules):
    text = "有人在游戏里骗我儿子扫码充值，说送皮肤，他才11岁，付了两千多"
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.zone) == ("fraud", "minors")


def test_elderly_fraud_zone_only_accompanies_fraud(rules):
    assert "fraud" in rules.zones.allowed_categories["elderly_fraud"]
    text = "我奶奶被拉去听健康讲座，花两万块买了能治百病的保健品，说退休老人都买"
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.zone) == ("fraud", "elderly_fraud")


def test_a_plain_report_has_no_zone(rules):
    assert triage(make_report("有人在网上卖淫秽视频，一部二十块"), rules).zone is None


def test_the_target_account_name_counts_as_evidence(rules):
    report = make_report("这个号天天发广告，大家看看", target_account="抖音 @菠菜导师带你上岸")
    assert triage(report, rules).category == "gambling"

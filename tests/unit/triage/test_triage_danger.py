"""The danger detector: threats with anchors, mass harm, sexual content of minors, self-harm
now, frauds draining victims now; what it raises stays raised, and it says why."""
import pytest

from services.triage.decide import triage

from .conftest import make_report


def _danger_reasons(decision):
    return [r for r in decision.reasons if r.rule.startswith("danger.")]


def test_a_post_naming_a_knife_a_school_and_a_time_is_major_with_the_anchors_in_the_reasons(rules):
    decision = triage(make_report("有人在贴吧发帖说周五放学的时候要带刀去中学门口砍人，还发了刀的照片"), rules)
    assert decision.severity == "major"
    reason = _danger_reasons(decision)[0]
    assert "anchors:" in reason.detail
    assert {"刀", "周五"} <= set(reason.terms)
    assert any(t in reason.terms for t in ("中学", "放学", "门口"))


def test_a_threat_in_traditional_characters_with_emoji_is_major(rules):
    text = "這個人在微博說明天中午要去市政府門口點汽油🔥🔥，跟他們同歸於盡"
    assert triage(make_report(text), rules).severity == "major"


def test_a_threat_filed_as_a_complaint_about_a_neighbour_is_still_major(rules):
    # the category does not gate the detector: words do
    decision = triage(make_report("邻居在业主群里说迟早弄死你们全家，今晚就拿菜刀上门", category_hint="other"), rules)
    assert decision.severity == "major"


def test_mass_harm_intent_is_major_on_its_own(rules):
    assert triage(make_report("评论区有人说想报复社会，人越多越好"), rules).severity == "major"


@pytest.mark.parametrize("text", [
    "网盘群里在卖初中生的私密视频，群里几百人在买",
    "我女儿13岁，网上一个男的哄她拍不穿衣服的照片，现在拿照片威胁她",
])
def test_sexual_content_involving_a_child_is_major(rules, text):
    assert triage(make_report(text), rules).severity == "major"


def test_a_person_on_a_roof_edge_in_a_live_stream_is_an_emergency(rules):
    decision = triage(make_report("快手上有个姑娘现在正在直播，坐在楼顶天台边上哭，说数到三就跳"), rules)
    assert decision.severity in ("emergency", "major")
    assert _danger_reasons(decision)


def test_a_fraud_emptying_accounts_right_now_is_an_emergency(rules):
    text = "一个假冒银行的网站正在群发短信，今天我们单位已经好几个人卡里的钱被划走了，链接还能打开"
    assert triage(make_report(text), rules).severity == "emergency"


def test_a_level_the_detector_raised_is_not_lowered_by_the_volume_or_any_later_rule(rules):
    report = make_report("他扬言明天去学校砍人")
    assert triage(report, rules).severity == "major"
    assert triage(report, rules, reports_last_hour=100).severity == "major"


def test_a_short_threat_is_never_set_aside_as_off_topic(rules):
    decision = triage(make_report("明天去学校砍人"), rules)
    assert decision.valid and decision.severity == "major"


@pytest.mark.parametrize("text", [
    "有人在闲鱼卖仿真枪和钢珠，说能打穿易拉罐，私聊发链接",  # a weapon, but no threat: important
    "刷到一个视频，几个人把一个男的按在地上用砖头砸，满脸是血，也没打码",  # gore, not a threat
])
def test_weapons_and_gore_without_a_threat_stay_important(rules, text):
    decision = triage(make_report(text), rules)
    assert decision.severity == "important"
    assert not _danger_reasons(decision)


def test_ordinary_words_that_contain_a_weapon_raise_nothing(rules):
    decision = triage(make_report("这个网站明天要上线枪版电影，还让大家帮砍一刀"), rules)
    assert decision.category != "terror_violence"
    assert not _danger_reasons(decision)


def test_a_bomb_threat_against_a_station_is_major(rules):
    decision = triage(make_report("网友声称要在火车站放置炸弹，时间就定在国庆"), rules)
    assert decision.severity == "major"
    assert any("explosive" in r.detail or "炸弹" in r.terms for r in _danger_reasons(decision))


# Issue 13, second round

def test_a_child_cutting_herself_live_is_major_and_violent_content(rules):
    decision = triage(make_report("我们班一个初二的女生刚刚在QQ直播割手腕，说今晚就走了"), rules)
    assert decision.severity == "major"
    assert decision.category == "terror_violence" and decision.zone == "minors"


def test_a_live_self_harm_report_is_violent_content_not_other(rules):
    decision = triage(make_report("有个主播正在直播割腕，血流了很多，直播间还有人刷礼物"), rules)
    assert (decision.category, decision.severity) == ("terror_violence", "emergency")


def test_a_replay_of_a_stream_that_ended_is_not_an_emergency(rules):
    decision = triage(make_report("有人把一个主播几个月前直播跳楼的录屏剪出来发，配上伤感音乐"), rules)
    assert decision.severity not in ("emergency", "major")


def test_a_films_plot_is_not_a_threat_but_a_plan_said_as_a_joke_is(rules):
    film = triage(make_report("有个电影解说号说“主角拿着炸弹冲进大楼”，这是在讲电影情节"), rules)
    assert film.severity not in ("emergency", "major")
    joke = triage(make_report("群里有人说明天带刀去学校门口砍人哈哈，说得很认真，不像开玩笑"), rules)
    assert joke.severity == "major"


def test_a_knife_emoji_reads_as_a_knife(rules):
    decision = triage(make_report("🔪🔪🔪明天见，某某幼儿园门口，一个都别想走"), rules)
    assert decision.severity == "major"


def test_the_models_own_reading_fires_with_its_probability_and_an_anchor(rules):
    decision = triage(make_report("有个人说下个月要去信访局门口讨个公道，让那些人都听个响，包里的东西已经准备好了"), rules)
    assert decision.severity == "major"
    model = [r for r in _danger_reasons(decision) if r.rule.startswith("danger.model_reads")]
    assert not model or ("model urgency" in model[0].detail and "anchors:" in model[0].detail)


def test_a_completed_fraud_is_not_draining_victims_now(rules):
    decision = triage(make_report("上个月我在网上买演唱会门票被骗了三千块，后来才知道是骗子，现在人找不到了"), rules)
    assert (decision.category, decision.severity) == ("fraud", "important")


def test_a_fraud_draining_victims_now_is_an_emergency(rules):
    decision = triage(make_report("现在有个假的社保补贴二维码在小区群里疯转，扫了的人卡里的钱都被划走了"), rules)
    assert decision.severity == "emergency"


@pytest.mark.parametrize("text", [
    "这个博主天天发小学女生穿着很少跳舞的视频，评论区全是很下流的话",
    "直播间让一个看起来才十二三岁的小女孩做很性感的动作，打赏的人叫她脱",
    "这个账号专门发恋童的漫画",
])
def test_a_child_in_sexualized_content_said_colloquially_is_major(rules, text):
    decision = triage(make_report(text), rules)
    assert decision.severity == "major"
    assert any(r.rule.startswith("danger.") for r in decision.reasons)


def test_a_university_student_is_not_a_child_for_the_minors_signals(rules):
    # 学生 inside 大学生 is masked (danger.yaml minor_not): no child-sexual-content signal fires
    decision = triage(make_report("大学生兼职模特拍性感照片"), rules)
    assert not any(r.rule == "danger.sexual_content_of_minors" for r in decision.reasons)


def test_a_rumor_of_an_explosion_with_casualties_being_spread_is_an_emergency(rules):
    decision = triage(make_report("有人散布消息称某小区发生燃气爆炸，伤亡惨重，还配了图"), rules)
    assert decision.severity == "emergency"

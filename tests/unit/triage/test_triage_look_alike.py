"""Issue 13, fourth round: the classes of error our tuning batches 6-12 showed, with reports
written for the test (not copies of tuning lines)."""

import pytest

from services.triage.decide import triage
from services.triage.rules import load_rules, RULES_DIR
from services.triage.textnorm import normalize

from .conftest import make_report


@pytest.mark.parametrize("text", [
    "有个塔防手游的主播一直喊把对面的塔全拆了一个不留，这就是游戏里的操作，被人截图说他要杀人",
    "一个魔术师表演把助手装进箱子用刀捅进去，有人说这是杀人视频",
    "美食博主现场杀鱼，刀起刀落，有人举报说画面残忍",
    "篮球解说喊这一球直接绝杀对手，有人说标题宣扬杀人",
    "公众号讲了一起十年前的抢劫杀人案，凶手早就判了死刑，就是讲案子经过",
])
def test_violent_words_in_harmless_content_are_other_and_general(rules, text):
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity, decision.valid) == ("other", "general", True)


def test_real_footage_with_gore_stays_violent_content(rules):
    decision = triage(make_report("有人转发一段新闻视频，车祸现场的人血肉模糊，一点没打码"), rules)
    assert decision.category == "terror_violence"


@pytest.mark.parametrize("text", [
    # the reporter names a film, but says it sounded meant
    "他说是在讲电影情节，但是语气很认真，说明天要带刀去学校门口砍人",
    # a plan said in a game's voice chat is still a plan
    "打游戏的时候他在语音里说明天去学校门口把那几个人捅了",
])
def test_a_threat_beside_a_look_alike_word_stays_major(rules, text):
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity) == ("terror_violence", "major")


def test_look_alike_rule_names_itself_in_the_reasons(rules):
    decision = triage(make_report("一个魔术师表演把助手装进箱子用刀捅进去，有人说这是杀人视频"), rules)
    assert any(r.rule == "classifier.look_alike" for r in decision.reasons)


def test_look_alike_groups_must_exist(tmp_path):
    for path in RULES_DIR.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    classifier = (tmp_path / "classifier.yaml").read_text(encoding="utf-8")
    (tmp_path / "classifier.yaml").write_text(
        classifier.replace("groups: [not_real, misread, case_closed]", "groups: [not_real, no_such_group]")
        .replace("model_file: ../model/", f"model_file: {RULES_DIR.parent / 'model'}/"), encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_group"):
        load_rules(tmp_path)


def test_cantonese_is_read_as_mandarin(rules):
    assert "他不敢出门" in normalize("佢唔敢出门", rules.simplify).compact
    decision = triage(make_report("佢话听日要揸刀去学校斩人，仲话刀已经买咗"), rules)
    assert (decision.category, decision.severity) == ("terror_violence", "major")


@pytest.mark.parametrize("text", [
    # hearsay, asked as a question, with casualties
    "听说城东那边的加油站爆燃了，烧死了两个人，是真的吗",
    # a rumor about the cause of something that happened is no plan to poison anyone
    "超市里有个老人晕倒了，群里马上有人说是有人投毒，大家都往外跑",
])
def test_incident_rumors_now_are_rumor_and_emergency(rules, text):
    decision = triage(make_report(text), rules)
    assert (decision.category, decision.severity) == ("rumor", "emergency")


def test_a_child_named_as_kin_in_sexual_content_is_major(rules):
    decision = triage(make_report("有个男的让我侄女（还没成年）每天发洗完澡的照片给他"), rules)
    assert (decision.category, decision.zone, decision.severity) == ("pornography", "minors", "major")

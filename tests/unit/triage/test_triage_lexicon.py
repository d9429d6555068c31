"""Term matching: one scan finds category, zone and severity terms, evasions included."""
from services.triage.lexicon import Entry, Lexicon
from services.triage.textnorm import normalize


def _scan(rules, text):
    return rules.lexicon.scan(normalize(text, rules.simplify))


def test_separated_characters_still_match_gambling_terms(rules):
    assert "赌博" in _scan(rules, "群里有人组织赌 博，还有人发赌/博网站").terms("category:gambling")


def test_homophone_spelling_matches_gambling(rules):
    assert "菠菜" in _scan(rules, "评论区都是菠菜平台的广告").terms("category:gambling")


def test_traditional_characters_match_simplified_terms(rules):
    assert "赌博" in _scan(rules, "這是一個賭博網站").terms("category:gambling")


def test_pinyin_and_initials_match_as_whole_tokens_only(rules):
    assert "dubo" in _scan(rules, "加群玩dubo").terms("category:gambling")
    assert "bc" in _scan(rules, "留的微信是bc6688xx").terms("category:gambling")
    assert "bc" not in _scan(rules, "abc公司的广告").terms("category:gambling")


def test_a_shorter_term_inside_a_longer_one_is_counted_once():
    lexicon = Lexicon([Entry("赌", "g", 1.0), Entry("赌博", "g", 3.0)])
    hits = lexicon.scan(normalize("网上赌博"))
    assert hits.terms("g") == ["赌博"]
    assert hits.weight("g") == 3.0


def test_repeating_a_term_adds_no_weight():
    lexicon = Lexicon([Entry("诈骗", "g", 2.0)])
    assert lexicon.scan(normalize("诈骗诈骗诈骗")).weight("g") == 2.0


def test_near_finds_terms_of_two_groups_within_the_window():
    lexicon = Lexicon([Entry("明天", "when"), Entry("砍死", "act")])
    assert lexicon.scan(normalize("他说明天要去砍死他")).near("when", "act", 10)
    far = "明天" + "很长的一段无关的话" * 10 + "砍死"
    assert not lexicon.scan(normalize(far)).near("when", "act", 10)


def test_a_term_written_with_one_character_in_pinyin_or_a_homophone_still_counts(rules):
    from services.triage.decide import triage

    from .conftest import make_report

    for text, category in [("群里有人天天发du博网站，充值送彩金", "gambling"),
                           ("这个号在卖涩情视频，私聊发链接", "pornography"),
                           ("有人在二手群卖qiang支和子弹", "terror_violence")]:
        decision = triage(make_report(text), rules)
        assert decision.category == category, text
        assert any(r.rule == "lexicon.category" and r.detail == category for r in decision.reasons)

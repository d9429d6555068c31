"""Normalization: evasion spellings reduce to one form before matching."""
from services.triage.textnorm import latin_stream, normalize


def test_full_width_letters_and_digits_become_half_width_lower_case():
    assert normalize("ＤＵＢＯ１２３").norm == "dubo123"


def test_traditional_characters_are_simplified_with_the_rules_table(rules):
    assert normalize("賭博網站詐騙", rules.simplify).compact == "赌博网站诈骗"


def test_separators_between_characters_are_removed_in_the_compact_view():
    assert normalize("赌/博 平*台 赌 博 菠.菜").compact == "赌博平台赌博菠菜"


def test_emoji_between_characters_is_removed():
    assert normalize("赌💰博").compact == "赌博"


def test_sentence_punctuation_is_kept_so_terms_do_not_join_across_clauses():
    assert "，" in normalize("我们去菠，菜市场").compact or "," in normalize("我们去菠，菜市场").compact


def test_spelled_out_latin_letters_join_into_one_token():
    assert latin_stream("加 d u b o 群") == " dubo "
    assert latin_stream("f l 资源") == " fl "


def test_latin_tokens_split_letters_from_digits():
    assert latin_stream("bc6688xx") == " bc 6688 xx "


def test_zero_width_characters_are_dropped():
    assert normalize("赌\u200b博").compact == "赌博"

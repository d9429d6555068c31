"""Named sites and event concepts: what a report is about, apart from where."""
from __future__ import annotations

from services.rumor.clustering.segmentation import segment
from services.rumor.clustering.similarity import concepts
from services.rumor.clustering.sites import find_sites


def site_names(text: str) -> list[str]:
    return [site.name for site in find_sites(text)]


def test_a_proper_name_before_a_site_word_is_a_site():
    assert site_names("南田实验小学老师打学生耳光") == ["南田"]
    assert site_names("长塘水库大坝裂了") == ["长塘"]
    assert site_names("群里说骆马湖边发现了尸体") == ["骆马"]


def test_ordinary_words_before_a_site_word_are_not_sites():
    assert site_names("孩子被打进医院") == []
    assert site_names("在一所小学门口有人砍人") == []


def test_a_site_already_named_as_a_division_is_not_counted_twice():
    text = "西乡塘小学门口"
    assert find_sites(text, taken=[(0, 3)]) == []


def test_paraphrased_events_share_a_concept():
    first, second = "横州大桥垮了", "郁江大桥坍塌"
    assert "collapse" in concepts(first, [w for w, _ in segment(first)])
    assert "collapse" in concepts(second, [w for w, _ in segment(second)])


def test_a_single_character_concept_needs_a_whole_word():
    text = "吓死我了"  # 死 here is an intensifier, not a death
    assert "death" not in concepts(text, [w for w, _ in segment(text)])


def site_keys(text: str) -> list[str]:
    return [site.key for site in find_sites(text)]


def test_a_local_name_jieba_does_not_know_is_a_site_of_its_kind():
    assert site_keys("秀灵小学中午吃了食堂的鸡腿") == ["school:秀灵"]
    assert site_keys("吴圩镇明天整个镇停水") == ["township:吴圩"]
    assert site_keys("翠湖新城小区有人确诊了") == ["residence:翠湖新城"]


def test_words_before_a_site_word_that_are_not_names_are_not_sites():
    assert site_keys("打电话问学校") == []
    assert site_keys("我们小区都在传") == []
    assert site_keys("只是一条街在检修") == []


def test_facts_a_report_states():
    from services.rumor.clustering.facts import extract_facts

    facts = extract_facts("地铁一号线3月5号停运", ["k:suspend"])
    assert facts["line"] == ("1",) and facts["day"] == ("5",) and facts["object:transport"] == ("metro",)
    assert "line" not in extract_facts("10号楼停水", [])

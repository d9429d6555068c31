"""Text normalization and similarity: what makes two reports look alike."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.rumor.clustering.features import featurize
from services.rumor.clustering.normalize import contrast_spans, normalize_text, normalize_url
from services.rumor.clustering.similarity import cosine, quantity_terms

from .conftest import build_report


def test_traditional_and_cantonese_become_simplified_mandarin():
    assert normalize_text("西鄉塘區有白色麵包車搶細路仔，係咪真㗎") == "西乡塘区有白色面包车抢小孩,是不是真"


def test_url_normalization_keeps_the_post_and_drops_tracking():
    assert normalize_url("https://www.weibo.com/123/Abc?utm_source=x&from=share") == "weibo.com/123/Abc"
    assert normalize_url("v.douyin.com/iRv5hQ7L/") == "v.douyin.com/iRv5hQ7L"
    assert normalize_url("https://mp.weixin.qq.com/s?__biz=Mz&mid=2&sn=a&chksm=9") == "mp.weixin.qq.com/s?__biz=Mz&mid=2&sn=a"


def test_a_site_root_is_not_a_target():
    assert normalize_url("https://www.douyin.com/") is None
    assert normalize_url("  ") is None


def test_reference_to_another_rumor_is_set_aside():
    text = "不是停水那条！是新传的一条，说自来水有毒"
    (start, end), = contrast_spans(text)
    assert "停水" in text[start:end] and "自来水" not in text[start:end]


def test_place_names_do_not_make_two_rumors_look_alike(make_report, params):
    water = featurize(make_report("青秀区明天全天停水，请提前储水"), params)
    fire = featurize(make_report("青秀区一个商场着火了，烧死了好多人"), params)
    assert cosine(water.vector, fire.vector) < 0.05
    assert water.places.districts == fire.places.districts


def test_a_typo_still_shares_the_topic(make_report, params):
    right = featurize(make_report("宿迁明年要禁电动车了，查到直接扣车"), params)
    typo = featurize(make_report("宿迁明年要禁点动车了，查到直接扣车"), params)
    other = featurize(make_report("宿迁明年要取消中考了，初中直升高中"), params)
    assert cosine(right.vector, typo.vector) > 3 * params.join.min_text
    assert cosine(right.vector, typo.vector) > 2 * cosine(right.vector, other.vector)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_of_any_two_texts_is_symmetric_and_bounded(params, a, b):
    va = featurize(build_report("a", a), params).vector
    vb = featurize(build_report("b", b), params).vector
    assert -1e-9 <= cosine(va, vb) <= 1 + 1e-9
    assert abs(cosine(va, vb) - cosine(vb, va)) < 1e-9


def test_whole_days_told_in_hours_are_days():
    # bench/tuning5 and 6: "断电72小时" and "停电三天" told one power cut; 5 hours stays hours
    assert "n:3天" in quantity_terms(["72小时"]) and "n:3天" in quantity_terms(["三天"])
    assert quantity_terms(["5小时"]) == ["n:5", "n:5小时"]


def test_an_institution_has_one_name_however_it_is_written():
    # bench/tuning5: 武鸣农商行 and 武鸣农村商业银行 were two banks to the text vector
    assert normalize_text("武鸣农村商业银行资金链断裂") == normalize_text("武鸣农商行资金链断裂")
    assert "银行" in normalize_text("农商行要倒闭")  # the generic word other reports say alone

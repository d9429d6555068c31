"""Case-merge keys: normalized URLs, account keys, near-duplicate text signatures."""
import pytest

from services.triage.cases import (
    account_key,
    lsh_keys,
    merge_keys,
    normalize_url,
    similarity,
    text_signature,
)

from .conftest import make_report


@pytest.mark.parametrize(("a", "b"), [
    ("HTTPS://WWW.Douyin.com/video/7301/", "https://douyin.com/video/7301"),
    ("https://www.douyin.com/video/7301?utm_source=copy&share_token=x", "https://douyin.com/video/7301"),
    ("http://m.bilibili.com/video/BV1ab?spm_id_from=333.1&vd_source=ff", "https://bilibili.com/video/BV1ab"),
    ("www.example.com/post/1#comments", "https://example.com/post/1"),
    ("https://example.com:443/a//b", "https://example.com/a/b"),
    ("https://site.cn/p?id=2&b=1", "https://site.cn/p?b=1&id=2"),
])
def test_urls_that_name_the_same_item_normalize_alike(a, b):
    assert normalize_url(a) == normalize_url(b)


def test_path_case_is_kept_because_short_link_codes_are_case_sensitive():
    assert normalize_url("https://v.douyin.com/AbC/") != normalize_url("https://v.douyin.com/abc/")


def test_wechat_article_keeps_only_the_parameters_that_name_it():
    url = "https://mp.weixin.qq.com/s?__biz=MzA1&mid=22&idx=1&sn=ab&chksm=zz&scene=21#wechat_redirect"
    assert normalize_url(url) == "https://mp.weixin.qq.com/s?__biz=MzA1&idx=1&mid=22&sn=ab"


@pytest.mark.parametrize(("account", "platform"), [
    ("抖音 @东北虎哥", None), ("抖音号：东北虎哥", None), ("@东北虎哥", "抖音"), ("douyin @东北虎哥", None),
])
def test_one_account_written_several_ways_gives_one_key(account, platform):
    assert account_key(account, platform) == "acct:douyin:东北虎哥"


def test_platform_comes_from_the_url_when_the_account_names_none():
    assert account_key("@东北虎哥", urls=["https://www.douyin.com/user/1"]) == "acct:douyin:东北虎哥"


def test_a_latin_platform_name_inside_a_handle_is_not_a_platform():
    assert account_key("dylan_2024") == "acct:unknown:dylan_2024"


def test_near_duplicate_texts_are_similar_and_share_an_lsh_key():
    a = text_signature("有人在群里发赌博网站的链接，说充值就送彩金，已经有很多人输了钱，请赶紧处理")
    b = text_signature("有人在群里发赌博网站的链接，说充值就送彩金，已经有很多人输了钱，请尽快处理！")
    assert similarity(a, b) >= 0.6
    assert set(lsh_keys(a)) & set(lsh_keys(b))


def test_unrelated_texts_are_not_similar():
    a = text_signature("有人在群里发赌博网站的链接，说充值就送彩金")
    b = text_signature("网上传言明天全市停水，自来水公司说是谣言")
    assert similarity(a, b) < 0.2


def test_signatures_are_deterministic_integers(rules):
    sig = text_signature("同一段文字")
    assert sig == text_signature("同一段文字")
    assert len(sig) == rules.cases.text.num_perm and all(isinstance(v, int) for v in sig)


def test_merge_keys_cover_url_account_and_text():
    report = make_report("有人在评论区刷菠菜平台的广告，说首充送彩金，已经很多人上当",
                         target_urls=["https://www.douyin.com/video/9?share_token=1"],
                         target_account="抖音 @菠菜导师")
    keys = merge_keys(report)
    assert "url:https://douyin.com/video/9" in keys
    assert "acct:douyin:菠菜导师" in keys
    assert any(k.startswith("lsh:") for k in keys)


def test_a_short_text_gives_no_text_keys():
    assert not any(k.startswith("lsh:") for k in merge_keys(make_report("举报")))

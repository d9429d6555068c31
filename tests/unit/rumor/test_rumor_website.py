"""The website channel, pure: ClaimReview JSON-LD read back by a real structured-data extractor
(extruct) and the Atom feed read back by a real feed parser (feedparser)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import extruct
import feedparser
import pytest

from libs.common.events import MediaDelivery
from services.rumor.website.atom import build_feed
from services.rumor.website.article import Article, claim_review, render_page

T0 = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)
SITE = {"site_name": "南宁市互联网违法和不良信息举报中心", "site_url": "https://center.example/rebuttals/"}
FEED = "https://center.example/rebuttals/feed.atom"


def article(**changes) -> Article:
    base = Article(rebuttal_id="rbt-1", claim_id="clm-1", version=1, state="published",
                   title="“邕江大桥即将垮塌”系谣言", body="网传邕江大桥即将垮塌。\n经检测，桥梁结构安全。",
                   authority="南宁市住房和城乡建设局", claim_reviewed="邕江大桥即将垮塌", verdict="false",
                   evidence_links=("https://example.gov.cn/notice?a=1&b=2",),
                   url="https://center.example/rebuttals/rbt-1", published_at=T0, updated_at=T0)
    return base.model_copy(update=changes)


@pytest.mark.parametrize(("verdict", "name", "value"), [("false", "虚假", 1), ("true", "属实", 5),
                                                        ("unverifiable", "无法证实", 3)])
def test_the_page_carries_claimreview_markup_a_structured_data_extractor_reads(verdict, name, value):
    a = article(verdict=verdict)
    page = render_page(a, feed_url=FEED, **SITE)
    [review] = extruct.extract(page, base_url=a.url, syntaxes=["json-ld"])["json-ld"]
    assert review["@type"] == "ClaimReview" and review["url"] == a.url
    assert review["claimReviewed"] == "邕江大桥即将垮塌"
    assert review["itemReviewed"] == {"@type": "Claim", "name": "邕江大桥即将垮塌", "inLanguage": "zh-CN"}
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
                                      "alternateName": name}
    assert review["author"] == {"@type": "Organization", "name": "南宁市住房和城乡建设局"}
    assert review["datePublished"].startswith("2027-03-02T09:00:00+08:00")
    assert review["citation"] == ["https://example.gov.cn/notice?a=1&b=2"]


def test_text_from_operators_cannot_break_out_of_the_page_or_the_markup():
    a = article(title="<script>alert(1)</script>", body="</script><b>x</b>", claim_reviewed="a</script>b")
    page = render_page(a, feed_url=FEED, **SITE)
    assert "<script>alert(1)" not in page and "<b>x</b>" not in page
    [review] = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    assert review["claimReviewed"] == "a</script>b" and review["headline"] == "<script>alert(1)</script>"


def test_a_withdrawn_article_keeps_its_page_without_claimreview_markup():
    page = render_page(article(state="withdrawn", version=3), feed_url=FEED, **SITE)
    assert 'class="withdrawn"' in page and extruct.extract(page, syntaxes=["json-ld"])["json-ld"] == []
    assert claim_review(article(), **SITE)["reviewRating"]["alternateName"] == "虚假"


def test_the_atom_feed_lists_articles_newest_first_and_marks_withdrawn_ones():
    older = article()
    newer = article(rebuttal_id="rbt-2", url="https://center.example/rebuttals/rbt-2", title="“停水三天”系谣言",
                    updated_at=T0 + timedelta(hours=2), published_at=T0 + timedelta(hours=1), verdict="unverifiable")
    withdrawn = article(rebuttal_id="rbt-3", url="https://center.example/rebuttals/rbt-3", state="withdrawn",
                        updated_at=T0 + timedelta(hours=1))
    feed = feedparser.parse(build_feed([older, withdrawn, newer], feed_url=FEED, site_url=SITE["site_url"],
                                       title="南宁市举报中心 辟谣信息", updated=T0))
    assert not feed.bozo and feed.version == "atom10" and feed.feed.title == "南宁市举报中心 辟谣信息"
    assert [e.id for e in feed.entries] == [newer.url, withdrawn.url, older.url]
    assert feed.entries[1].title.startswith("【已撤回】")
    first = feed.entries[0]
    assert first.link == newer.url and first.author == "南宁市住房和城乡建设局"
    assert first.tags[0]["term"] == "unverifiable" and first.tags[0]["label"] == "无法证实"
    assert first.content[0].value.startswith("网传邕江大桥") and first.updated_parsed[:4] == (2027, 3, 2, 3)
    assert feedparser.parse(build_feed([], feed_url=FEED, site_url="s", title="t", updated=T0)).entries == []


def test_an_article_is_built_from_the_delivery_the_website_channel_receives():
    d = MediaDelivery(channel="website", claim_id="clm-1", rebuttal_id="rbt-1", version=2, action="withdraw",
                      title="t", body="b", authority="a", url="u", verdict="true", claim_reviewed="c",
                      published_at=T0, occurred_at=T0 + timedelta(days=1))
    a = Article.from_delivery(d)
    assert (a.state, a.version, a.verdict, a.published_at, a.updated_at) == ("withdrawn", 2, "true", T0, T0 + timedelta(days=1))

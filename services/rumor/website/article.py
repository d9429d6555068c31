"""The center's own website channel, pure: a rebuttal article, its schema.org ClaimReview
markup and its HTML page. The website adapter stores articles; the routes render them."""
from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from libs.common.events import MediaDelivery
from services.rumor.clustering.reports import CENTER_TZ

# A 1-5 scale: what fact-checkers and search engines read next to the text rating.
RATING_VALUE = {"false": 1, "unverifiable": 3, "true": 5}
RATING_ZH = {"false": "虚假", "true": "属实", "unverifiable": "无法证实"}


class Article(BaseModel):
    """One rebuttal as the website shows it: the latest version delivered to the website."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    rebuttal_id: str
    claim_id: str
    version: int
    state: Literal["published", "withdrawn"]
    title: str
    body: str
    authority: str
    claim_reviewed: str
    verdict: Literal["false", "true", "unverifiable"]
    evidence_links: tuple[str, ...] = ()
    url: str
    published_at: datetime
    updated_at: datetime

    @classmethod
    def from_delivery(cls, d: MediaDelivery) -> Article:
        return cls(rebuttal_id=d.rebuttal_id, claim_id=d.claim_id, version=d.version,
                   state="withdrawn" if d.action == "withdraw" else "published", title=d.title, body=d.body,
                   authority=d.authority, claim_reviewed=d.claim_reviewed or d.title, verdict=d.verdict or "false",
                   evidence_links=tuple(d.evidence_links), url=d.url or "", updated_at=d.occurred_at,
                   published_at=d.published_at or d.occurred_at)


def claim_review(article: Article, *, site_name: str, site_url: str) -> dict[str, Any]:
    """schema.org ClaimReview for a published article (a withdrawn one carries none)."""
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": article.url,
        "headline": article.title,
        "inLanguage": "zh-CN",
        "datePublished": _local(article.published_at).isoformat(),
        "dateModified": _local(article.updated_at).isoformat(),
        "claimReviewed": article.claim_reviewed,
        "itemReviewed": {"@type": "Claim", "name": article.claim_reviewed, "inLanguage": "zh-CN"},
        "author": {"@type": "Organization", "name": article.authority},
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUE[article.verdict],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": RATING_ZH[article.verdict],
        },
    }
    if article.evidence_links:
        review["citation"] = list(article.evidence_links)
    return review


def render_page(article: Article, *, site_name: str, site_url: str, feed_url: str) -> str:
    e = html.escape
    markup = ""
    if article.state == "published":
        data = json.dumps(claim_review(article, site_name=site_name, site_url=site_url), ensure_ascii=False, indent=1)
        # "</script" or "<!--" inside the JSON would change how HTML parses the script element;
        # as \u escapes they are the same JSON strings and inert HTML.
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        markup = f'<script type="application/ld+json">\n{data}\n</script>\n'
    banner = (f'<p class="withdrawn" role="alert">本文已于 {_local(article.updated_at):%Y-%m-%d %H:%M} 撤回，'
              f"内容仅作存档。</p>\n") if article.state == "withdrawn" else ""
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in article.body.splitlines() if p.strip())
    links = "\n".join(f'<li><a href="{e(u)}" rel="nofollow noopener">{e(u)}</a></li>' for u in article.evidence_links)
    evidence = f"<h2>查证依据</h2>\n<ul>\n{links}\n</ul>\n" if links else ""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(article.title)} - {e(site_name)}</title>
<link rel="canonical" href="{e(article.url)}">
<link rel="alternate" type="application/atom+xml" title="{e(site_name)} 辟谣信息" href="{e(feed_url)}">
{markup}</head>
<body>
<main>
<article>
{banner}<p class="rating">核查结论：<strong>{RATING_ZH[article.verdict]}</strong></p>
<h1>{e(article.title)}</h1>
<p class="claim">网传内容：{e(article.claim_reviewed)}</p>
<p class="meta">发布机构：{e(article.authority)} · 发布时间：{_local(article.published_at):%Y-%m-%d %H:%M} · 第 {article.version} 版</p>
<div class="body">
{paragraphs}
</div>
{evidence}</article>
</main>
<footer><a href="{e(site_url)}">{e(site_name)}</a> · <a href="{e(feed_url)}">订阅辟谣信息（Atom）</a></footer>
</body>
</html>
"""


def _local(at: datetime) -> datetime:
    return at.astimezone(CENTER_TZ)


def render_not_found(*, site_name: str, site_url: str, feed_url: str) -> str:
    """What a reader who follows a stale or mistyped link sees: a page, not an API error."""
    e = html.escape
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>未找到该辟谣文章 - {e(site_name)}</title>
</head>
<body>
<main>
<h1>未找到该辟谣文章</h1>
<p>该文章可能尚未发布到网站，或链接有误。</p>
</main>
<footer><a href="{e(site_url)}">{e(site_name)}</a> · <a href="{e(feed_url)}">订阅辟谣信息（Atom）</a></footer>
</body>
</html>
"""

"""The website's Atom feed of rebuttals (RFC 4287), pure: articles in, XML bytes out.

Entry ids are the articles' permanent page URLs, so a correction updates the entry a reader
already has (new `updated`) instead of appearing as a new one; a withdrawn article stays in
the feed, marked, so readers who saw it learn it was withdrawn.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from services.rumor.website.article import RATING_ZH, Article

ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM_NS)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        child.text = text
    return child


def build_feed(articles: Sequence[Article], *, feed_url: str, site_url: str, title: str, updated: datetime) -> bytes:
    """Newest first. `updated` is the feed's own time when there are no articles yet."""
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "zh-CN"})
    _el(feed, "id", feed_url)
    _el(feed, "title", title)
    _el(feed, "subtitle", "辟谣信息：经核实查证的网络传言及权威发布")
    newest = max((a.updated_at for a in articles), default=updated)
    _el(feed, "updated", newest.isoformat())
    _el(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _el(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = _el(feed, "author")
    _el(author, "name", title)
    for article in sorted(articles, key=lambda a: a.updated_at, reverse=True):
        _entry(feed, article)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(feed: ET.Element, a: Article) -> None:
    entry = _el(feed, "entry")
    _el(entry, "id", a.url)
    _el(entry, "title", f"【已撤回】{a.title}" if a.state == "withdrawn" else a.title)
    _el(entry, "link", rel="alternate", type="text/html", href=a.url)
    _el(entry, "published", a.published_at.isoformat())
    _el(entry, "updated", a.updated_at.isoformat())
    author = _el(entry, "author")
    _el(author, "name", a.authority)
    _el(entry, "category", term=a.verdict, label=RATING_ZH[a.verdict])
    _el(entry, "summary", f"网传“{a.claim_reviewed}”，核查结论：{RATING_ZH[a.verdict]}。")
    _el(entry, "content", a.body, type="text")

"""The website channel's public pages: the Atom feed of rebuttals and one HTML page each.
No token: this is what the public, search engines and feed readers see."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response

from libs.common.clock import Clock
from services.rumor.atom import build_feed
from services.rumor.auth import ApiError, documented
from services.rumor.media_store import MediaStore
from services.rumor.website import render_page

FEED_SIZE = 50


@dataclass
class Site:
    name: str
    base_url: str
    store: MediaStore
    clock: Clock

    @property
    def home(self) -> str:
        return f"{self.base_url.rstrip('/')}/rebuttals/"

    @property
    def feed_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/rebuttals/feed.atom"


def website_router(site: Site) -> APIRouter:
    router = APIRouter(prefix="/rebuttals", tags=["网站：辟谣信息"])

    @router.get("/feed.atom", summary="辟谣信息 Atom 订阅", response_class=Response,
                responses={200: {"content": {"application/atom+xml": {}}}})
    async def feed() -> Response:
        articles = await site.store.latest_articles(FEED_SIZE)
        xml = build_feed(articles, feed_url=site.feed_url, site_url=site.home, title=f"{site.name} 辟谣信息",
                         updated=site.clock.now())
        return Response(xml, media_type="application/atom+xml; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=60"})

    @router.get("/{rebuttal_id}", summary="辟谣文章页（含 schema.org ClaimReview 结构化数据）", response_class=HTMLResponse,
                responses=documented(404, 422))
    async def page(rebuttal_id: str = Path(..., pattern=r"^rbt-[0-9a-f]{1,40}$")) -> HTMLResponse:
        article = await site.store.article(rebuttal_id)
        if article is None:
            raise ApiError(404, "not_found", "未找到该辟谣文章（可能尚未发布到网站）")
        html = render_page(article, site_name=site.name, site_url=site.home, feed_url=site.feed_url)
        return HTMLResponse(html, headers={"Cache-Control": "public, max-age=60"})

    return router

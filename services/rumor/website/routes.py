"""The website channel's public pages: the Atom feed of rebuttals and one HTML page each.
No token: this is what the public, search engines and feed readers see."""
from __future__ import annotations

import re

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response

from libs.common.http.access import access
from services.rumor.website.atom import build_feed
from services.rumor.context import Ctx
from services.rumor.website.article import render_not_found, render_page

FEED_SIZE = 50
REBUTTAL_ID = re.compile(r"^rbt-[0-9a-f]{1,40}$")
router = APIRouter(prefix="/rebuttals", tags=["网站：辟谣信息"])


@router.get("/feed.atom", summary="辟谣信息 Atom 订阅", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}}, openapi_extra=access("public"))
async def feed(ctx: Ctx) -> Response:
    site = ctx.site
    articles = await site.store.latest_articles(FEED_SIZE)
    xml = build_feed(articles, feed_url=site.feed_url, site_url=site.home, title=f"{site.name} 辟谣信息",
                     updated=site.clock.now())
    return Response(xml, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=60"})


@router.get("/{rebuttal_id}", summary="辟谣文章页（含 schema.org ClaimReview 结构化数据）", response_class=HTMLResponse,
            responses={404: {"description": "未找到该辟谣文章（网页，链接有误时也是）", "content": {"text/html": {}}}},
            openapi_extra=access("public"))
async def page(ctx: Ctx, rebuttal_id: str = Path(...)) -> HTMLResponse:
    site = ctx.site
    # A mistyped link is a page not found for the reader, not a validation error.
    article = await site.store.article(rebuttal_id) if REBUTTAL_ID.match(rebuttal_id) else None
    if article is None:
        return HTMLResponse(render_not_found(site_name=site.name, site_url=site.home, feed_url=site.feed_url),
                            status_code=404)
    html = render_page(article, site_name=site.name, site_url=site.home, feed_url=site.feed_url)
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=60"})

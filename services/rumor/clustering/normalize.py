"""Text and URL normalization: one spelling per meaning before anything is compared."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import zhconv

from services.rumor.params import dialect

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# A handle ends at whitespace or punctuation; handles name who spread a rumor, not what it
# says, and one account spreads many rumors, so they stay out of the text vector.
_HANDLE = re.compile(r"@[^\s，。,.:：;；!！?？“”\"'《》()（）]+")
_CONTRAST = re.compile(r"(?:不是|并非|不是说)[^，。！？!?,;；]{1,15}?那(?:条|个|件|次|种)[^，。！？!?,;；]{0,3}")
_SYMBOLS = re.compile(r"[^\w\u4e00-\u9fff]+")
# A quantity with its unit (72小时, 三天, 50%, 4块5, 二十万, 一半): reporters of one rumor
# quote its numbers differently or not at all, so numbers say little about which claim it is.
_QUANTITY = re.compile(
    r"(?:\d+(?:[.:]\d+)?|[零一二两三四五六七八九十百千万]+)"
    r"(?:多|来|几)?(?:%|％|个月|个|小时|天|块|元|万|倍|成|岁|人|次|米|方|公里|分钟|年|周|斤|毛|折)?"
    r"(?:\d|[一二三四五六七八九])?|一半|百分之[零一二两三四五六七八九十百]+")
# Query keys that track the sharer, not the post (a share link and the post are one target).
_TRACKING_KEYS = re.compile(r"^(utm_.*|spm|share.*|from|source|src|timestamp|t|s_.*|sec_.*|xsec_.*|vd_source|is_copy_url|is_from_webapp|scene|chksm|mpshare|sessionid|wfr|ref)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _dialect() -> tuple[tuple[str, str], ...]:
    table = dialect().root
    return tuple(sorted(((k, v or "") for k, v in table.items()), key=lambda kv: -len(kv[0])))


def normalize_text(text: str) -> str:
    """Simplified Mandarin, half-width, lower case, URLs removed (handles kept: they name places)."""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    for dialect_word, mandarin in _dialect():
        text = text.replace(dialect_word, mandarin)
    return _URL.sub(" ", text).lower()


def handle_spans(text: str) -> list[tuple[int, int]]:
    """@handles name who spread a rumor, not what it says; one account spreads many rumors."""
    return [m.span() for m in _HANDLE.finditer(text)]


def contrast_spans(text: str) -> list[tuple[int, int]]:
    """"不是停水那条" points at another rumor to say this report is not about it."""
    return [m.span() for m in _CONTRAST.finditer(text)]


def quantity_spans(text: str) -> list[tuple[int, int]]:
    """Numbers with their units; "一个" and "一些" are words, not quantities: kept."""
    return [m.span() for m in _QUANTITY.finditer(text) if m.group(0) not in _NOT_QUANTITIES]


_NOT_QUANTITIES = frozenset({"零", "一", "一个", "一次", "一天", "一年", "十", "万", "千", "百", "一些", "一下"})


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the spans turned into spaces, so other offsets stay valid."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = [" "] * (end - start)
    return "".join(chars)


def strip_symbols(text: str) -> str:
    """Punctuation and emoji become spaces, so n-grams never straddle them."""
    return _SYMBOLS.sub(" ", text)


def normalize_url(url: str) -> str | None:
    """host/path?kept-query, or None when the URL names a site rather than one post."""
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_KEYS.match(k))
    if not host or (not path and not query):
        return None
    return host + path + (("?" + urlencode(query)) if query else "")

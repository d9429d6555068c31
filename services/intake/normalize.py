"""Checking what reporters send before it is stored: target URLs parsed the way the HTTP
client that will fetch them parses them (free text: libs.common.text)."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import httpx

from libs.common.text import normalize_text

__all__ = ["clean_http_url", "is_http_url", "normalize_text"]


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host, no whitespace or control characters, at most 2000 chars."""
    if len(url) > 2000 or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in url):
        return False
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok


def clean_http_url(url: str) -> str | None:
    """The URL as it will be stored and fetched, or None when it is not a fetchable http(s)
    URL. A host typed in full-width letters (ｅxample.com, pasted from a Chinese input
    method) is folded by NFKC; anything the HTTP client itself cannot parse is refused
    here, so no loop meets it later."""
    url = url.strip()
    for candidate in (url, _fold_host(url)):
        if candidate is None or not is_http_url(candidate):
            continue
        try:
            parsed = httpx.URL(candidate)
            parsed.raw_host.decode("ascii")
        except (httpx.InvalidURL, UnicodeError, ValueError):
            continue
        if parsed.host:
            return candidate
    return None


def _fold_host(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    folded = unicodedata.normalize("NFKC", parts.netloc)
    return parts._replace(netloc=folded).geturl() if folded != parts.netloc else None

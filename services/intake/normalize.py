"""Text normalization before storage: Unicode NFKC, control characters stripped.

NFKC folds full-width letters and digits (ｗｗｗ → www), so later matching sees one
spelling; control and format characters are what evasive or broken input hides in.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

_KEEP = {"\n", "\t"}


def normalize_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in folded if ch in _KEEP or unicodedata.category(ch)[0] != "C")
    return kept.strip()


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

"""Text normalization before storage: Unicode NFKC, control characters stripped.

NFKC folds full-width letters and digits (ｗｗｗ → www), so later matching sees one
spelling; control and format characters are what evasive or broken input hides in.
"""
from __future__ import annotations

import unicodedata

_KEEP = {"\n", "\t"}


def normalize_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in folded if ch in _KEEP or unicodedata.category(ch)[0] != "C")
    return kept.strip()

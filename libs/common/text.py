"""Free text as it is stored and sent, cleaned BEFORE any length check, so a length limit
is a limit on what is stored.

- `Normalized` (what reporters write, read by matching): Unicode NFKC, which folds
  full-width letters and digits (ｗｗｗ → www) so later matching sees one spelling, with
  control and format characters removed (what evasive or broken input hides in). One "ﷺ"
  is 18 characters after NFKC: 5,000 of them are refused, not stored as 90,000.
- `Published` (what the center publishes: rebuttals): NFC only, control and format
  characters removed, so Chinese full-width punctuation stays as written (（更正）, not
  (更正)) and a pasted control character cannot break the Atom feed for every reader.
"""
from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator

_KEEP = {"\n", "\t"}


def normalize_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in folded if ch in _KEEP or unicodedata.category(ch)[0] != "C")
    return kept.strip()


def clean_text(text: str) -> str:
    """NFC, control and format characters removed (newlines and tabs kept)."""
    composed = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in composed if ch in _KEEP or unicodedata.category(ch)[0] != "C").strip()


def _published(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _published_or_none(value: Any) -> Any:
    return (clean_text(value) or None) if isinstance(value, str) else value


def _normalized(value: Any) -> Any:
    return normalize_text(value) if isinstance(value, str) else value


def _normalized_or_none(value: Any) -> Any:
    return (normalize_text(value) or None) if isinstance(value, str) else value


Normalized = Annotated[str, BeforeValidator(_normalized)]
# Optional free text: blank after normalization is no value at all.
NormalizedOrNone = Annotated[str | None, BeforeValidator(_normalized_or_none)]
Published = Annotated[str, BeforeValidator(_published)]
PublishedOrNone = Annotated[str | None, BeforeValidator(_published_or_none)]

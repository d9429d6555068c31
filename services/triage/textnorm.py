"""Text normalization: one spelling per meaning before any term is matched or counted.

Harmful content is written to dodge filters: full-width letters, traditional characters,
separators between characters (赌/博, 赌 博, 赌💰博), Latin initials spelled out (d u b o).
`normalize` turns a report into three views: `norm` for the model, `compact` for CJK term
matching, and `latin` (space-separated Latin/digit tokens) for pinyin and initials.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters inserted between the characters of a word to break filters. Sentence
# punctuation (，。！？) is kept so that terms do not match across clause boundaries.
_SEPARATORS = re.compile(r"[\s/\\|*.·•_\-~`^+=#@&$%'\"<>{}\[\]()（）【】「」『』〈〉]+")
# Symbols, emoji and marks (Unicode So/Sk/Cf/Mn) are noise inside words too.
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cf", "Mn", "Co", "Cs"})
# A run of single Latin letters split by separators ("f l", "d.u.b.o") is one token.
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:[\s./*_\-·]+[a-z](?![a-z0-9]))+")
_LATIN_TOKEN = re.compile(r"[a-z]+|[0-9]+")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class NormalizedText:
    norm: str  # NFKC, lower case, simplified; whitespace collapsed
    compact: str  # norm without separators and symbols: for CJK term matching
    latin: str  # " tok tok ": Latin letter runs and digit runs, space-delimited

    @property
    def content_chars(self) -> int:
        """Letters, digits and CJK characters: how much the report actually says."""
        return sum(1 for ch in self.compact if ch.isalnum())


def _drop_symbols(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in _DROP_CATEGORIES)


def _join_spaced_letters(text: str) -> str:
    return _SPACED_LETTERS.sub(lambda m: re.sub(r"[\s./*_\-·]+", "", m.group(0)), text)


def latin_stream(text: str) -> str:
    """' tok tok ' with letters and digits split: 'bc6688xx' -> ' bc 6688 xx '."""
    return " " + " ".join(_LATIN_TOKEN.findall(_join_spaced_letters(text))) + " "


def normalize(text: str, simplify: dict[int, str] | None = None) -> NormalizedText:
    """All three views of `text`; `simplify` maps traditional code points to simplified."""
    norm = unicodedata.normalize("NFKC", text).lower()
    if simplify:
        norm = norm.translate(simplify)
    norm = _WHITESPACE.sub(" ", _drop_symbols(norm)).strip()
    compact = _SEPARATORS.sub("", norm)
    return NormalizedText(norm=norm, compact=compact, latin=latin_stream(norm))


def simplify_table(pairs: dict[str, str]) -> dict[int, str]:
    """A str.translate table from {traditional: simplified} single characters."""
    return {ord(k): v for k, v in pairs.items() if len(k) == 1}

"""Validity (有效性): empty, gibberish, test, vague and off-topic reports are invalid.

The first three are recognised from the text alone, before classification; vague and
off-topic reports are those the classifier puts in its `invalid` class. Each kind has a
short reply for the reporter (rules/validity.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from libs.common.vocabulary import CATEGORIES
from services.triage.config import ValidityConfig
from services.triage.lexicon import Hits
from services.triage.textnorm import NormalizedText

InvalidKind = Literal["empty", "gibberish", "test", "vague", "offtopic"]
_VAGUE_MAX_CHARS = 20  # an invalid report this short says too little to be "about" anything


@dataclass(frozen=True)
class Invalid:
    kind: InvalidKind
    reply: str
    detail: str


def _reply(config: ValidityConfig, kind: InvalidKind, detail: str) -> Invalid:
    return Invalid(kind=kind, reply=getattr(config.replies, kind), detail=detail)


def _content(text: NormalizedText) -> str:
    return "".join(ch for ch in text.compact if ch.isalnum())


@lru_cache(maxsize=4)
def _gibberish_pattern(keyboard_runs: tuple[str, ...], max_char_run: int) -> re.Pattern[str]:
    runs = "|".join(re.escape(r) for r in sorted(keyboard_runs, key=len, reverse=True))
    return re.compile(rf"(?:{runs})+|(.)\1{{{max_char_run - 1},}}")


def gibberish_share(content: str, config: ValidityConfig) -> float:
    """Share of the content made of keyboard walks and long runs of one character."""
    if not content:
        return 0.0
    pattern = _gibberish_pattern(tuple(config.gibberish.keyboard_runs), config.gibberish.max_char_run)
    return sum(m.end() - m.start() for m in pattern.finditer(content)) / len(content)


def _is_gibberish(content: str, config: ValidityConfig) -> bool:
    if gibberish_share(content, config) >= config.gibberish.max_cjk_word_ratio:
        return True
    # Few distinct characters means mashing, but only in a short text: a long genuine report
    # repeats common characters and its ratio falls naturally.
    short = 8 <= len(content) <= config.gibberish.distinct_ratio_max_chars
    return short and len(set(content)) / len(content) < config.gibberish.min_distinct_ratio


def _harm_weight(hits: Hits) -> float:
    """The strongest category evidence: a report naming harm is not a test, whatever it says."""
    return max((hits.weight(f"category:{c}") for c in CATEGORIES), default=0.0)


def check_text(text: NormalizedText, hits: Hits, config: ValidityConfig) -> Invalid | None:
    """Empty, gibberish or test reports, judged from the text alone; None if none of them."""
    content = _content(text)
    if len(content) < config.min_content_chars:
        return _reply(config, "empty", f"{len(content)} content characters")
    if _is_gibberish(content, config):
        return _reply(config, "gibberish", "keyboard walks or repeated characters")
    test_terms = hits.terms("validity:test")
    if test_terms and len(content) <= config.test.max_chars and _harm_weight(hits) < config.test.max_harm_weight:
        return _reply(config, "test", "test wording: " + ", ".join(test_terms))
    if content.isdigit():
        return _reply(config, "gibberish", "digits only")
    return None


def invalid_by_class(text: NormalizedText, hits: Hits, config: ValidityConfig) -> Invalid:
    """The reply for a report the classifier put in the `invalid` class."""
    offtopic = hits.terms("invalid:offtopic")
    if offtopic:
        return _reply(config, "offtopic", "off-topic: " + ", ".join(offtopic[:5]))
    if len(_content(text)) <= _VAGUE_MAX_CHARS:
        return _reply(config, "vague", "too little to judge")
    return _reply(config, "offtopic", "not about online illegal or harmful information")

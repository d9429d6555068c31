"""jieba word segmentation and part-of-speech tags, on a tokenizer of rumor's own.

A private tokenizer: another module adding words to jieba's global dictionary must not
change how rumor reports are cut, hence which claims they join.
"""
from __future__ import annotations

import logging
from functools import lru_cache

import jieba
import jieba.posseg


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@lru_cache(maxsize=1)
def _pos_tokenizer() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(tokenizer())


def word_freq(word: str) -> int:
    """The word's frequency in jieba's dictionary (0 if unknown or only a prefix of a word)."""
    return tokenizer().FREQ.get(word) or 0


def word_tag(word: str) -> str | None:
    """The word's part-of-speech tag in jieba's dictionary (大: a, 在: p), None if unknown."""
    return _pos_tokenizer().word_tag_tab.get(word)


def segment(text: str) -> list[tuple[str, int]]:
    """jieba words with their start offsets (precise mode)."""
    out, pos = [], 0
    for token in tokenizer().cut(text):
        out.append((token, pos))
        pos += len(token)
    return out


def pos_tag(text: str) -> list[tuple[str, str, int]]:
    """(word, part-of-speech flag, start offset) for each jieba word."""
    out, pos = [], 0
    for pair in _pos_tokenizer().cut(text):
        out.append((pair.word, pair.flag, pos))
        pos += len(pair.word)
    return out

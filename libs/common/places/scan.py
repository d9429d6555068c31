"""Leftmost-longest place names in a text, judged one by one by the caller.

The index is any set of surface names (青秀区, 青秀, 南湖街道); the judge says, for each
candidate span, what it yields and whether the span is used up. A name refused as a
street (中山路) still uses its span, so 中山 inside it is not tried again; a short name
refused because it cuts a known word in two (道真 in 知道真假) does not, so a shorter name
at the same place or a later one may still match.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

import ahocorasick

T = TypeVar("T")


class Judged(NamedTuple, Generic[T]):
    found: T | None  # what the span yields (None: nothing)
    used: bool  # the span is taken: no other name may start inside it


class NameIndex:
    """Every surface name, compiled once into an automaton."""

    def __init__(self, names: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for name in names:
            self._automaton.add_word(name, name)
        if len(self._automaton):
            self._automaton.make_automaton()

    def candidates(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every name in `text`, leftmost first, longest first."""
        if not len(self._automaton):
            return []
        found = ((end + 1 - len(name), end + 1, name) for end, name in self._automaton.iter(text))
        return sorted(found, key=lambda hit: (hit[0], -(hit[1] - hit[0])))


def leftmost_longest(text: str, index: NameIndex,
                     judge: Callable[[int, int, str], Judged[T]]) -> list[T]:
    """The names in `text`, leftmost-longest, as judged by `judge(start, end, name)`."""
    out: list[T] = []
    taken_until = 0
    for start, end, name in index.candidates(text):
        if start < taken_until:
            continue
        found, used = judge(start, end, name)
        if found is not None:
            out.append(found)
        if used:
            taken_until = end
    return out


def normalize_address(text: str) -> str:
    """Full-width to half-width, no spaces: addresses come typed every way."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

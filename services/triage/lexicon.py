"""Multi-pattern term matching (Aho-Corasick) over normalized report text.

Every term list of the rules (category terms, zone terms, severity and validity cues) is
compiled into one automaton per script, so a report is scanned once whatever the number of
terms. Terms with CJK characters match the `compact` view (separators removed); pure
Latin terms (dubo, bc, qp) match whole Latin tokens, so "bc" matches "bc6688" but not "abc".
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from services.triage.textnorm import NormalizedText, latin_stream, normalize

_MAX_TERM = 64  # no term is longer than this many characters (near() relies on it)
MASK = "mask"  # ordinary words (枪版, 砍一刀): the terms nested inside them do not count
_CATEGORY = "category:"


@dataclass(frozen=True)
class Hit:
    term: str  # the term as the rules spell it
    group: str  # e.g. "category:gambling", "zone:minors", "severity:intent"
    weight: float
    start: int  # span in the compact text; -1 for Latin-token hits
    end: int


@dataclass(frozen=True)
class Entry:
    term: str
    group: str
    weight: float = 1.0


class Hits:
    """The hits of one scan, by group, with nested shorter hits of a group removed."""

    def __init__(self, hits: Iterable[Hit]) -> None:
        by_group: dict[str, list[Hit]] = defaultdict(list)
        for hit in _drop_shadowed(list(hits)):
            by_group[hit.group].append(hit)
        self._by_group = {g: _drop_nested(hs) for g, hs in by_group.items()}

    def group(self, name: str) -> list[Hit]:
        return self._by_group.get(name, [])

    def terms(self, name: str) -> list[str]:
        """Distinct terms of a group, in order of first appearance."""
        return list(dict.fromkeys(h.term for h in self.group(name)))

    def weight(self, name: str) -> float:
        """Sum of weights over distinct terms: repeating a word adds no evidence."""
        seen: dict[str, float] = {}
        for hit in self.group(name):
            seen.setdefault(hit.term, hit.weight)
        return sum(seen.values())

    def near(self, group_a: str, group_b: str, window: int) -> list[str]:
        """Terms of two groups that occur within `window` characters of each other."""
        pairs = close_pairs(self.group(group_a), self.group(group_b), window, limit=1)
        return [pairs[0][0].term, pairs[0][1].term] if pairs else []


def close_pairs(hits_a: list[Hit], hits_b: list[Hit], window: int, *, limit: int,
                latin_is_near: bool = False, distinct_spans: bool = False) -> list[tuple[Hit, Hit]]:
    """Up to `limit` pairs (a, b) within `window` characters; with `distinct_spans`, never
    one stretch of text paired with itself (a term in both groups). Latin-token hits have no
    position: never near anything, or near everything with `latin_is_near`."""
    targets = sorted((h for h in hits_b if h.start >= 0), key=lambda h: h.start)
    anywhere = [h for h in hits_b if h.start < 0] if latin_is_near else []
    starts = [h.start for h in targets]
    pairs: list[tuple[Hit, Hit]] = []
    for a in hits_a:
        if a.start < 0:
            close = targets + anywhere if latin_is_near else []
        else:
            # only hits starting near `a` can be within the window (terms are short): bisect
            lo = bisect.bisect_left(starts, a.start - window - _MAX_TERM)
            close = anywhere + [b for b in targets[lo:bisect.bisect_right(starts, a.end + window)]
                                if _gap(a, b) <= window]
        pairs.extend((a, b) for b in close
                     if not distinct_spans or a.start < 0 or (a.start, a.end) != (b.start, b.end))
        if len(pairs) >= limit:
            return pairs[:limit]
    return pairs


def _gap(a: Hit, b: Hit) -> int:
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def _inside(inner: Hit, outer: Hit) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and inner.end - inner.start < outer.end - outer.start


def _drop_shadowed(hits: list[Hit]) -> list[Hit]:
    """Terms inside a longer word that means something else do not count:
    inside an ordinary word (枪版: a pirate copy, no gun), in every list; and inside a
    longer term of another category (网络暴力 is infringement: its 暴力 is not terror,
    南京大屠杀 is history: its 屠杀 is not terror). Reports have few hits: pairwise is cheap."""
    masks = sorted((h for h in hits if h.group == MASK), key=lambda h: h.start)
    longer = sorted((h for h in hits if h.group.startswith(_CATEGORY) and h.start >= 0), key=lambda h: h.start)
    if not masks and len(longer) < 2:
        return hits
    mask_starts, longer_starts = [h.start for h in masks], [h.start for h in longer]
    kept = []
    for hit in hits:
        if hit.start >= 0 and hit.group != MASK:
            if any(_inside(hit, m) for m in _starting_before(hit, masks, mask_starts)):
                continue
            if hit.group.startswith(_CATEGORY) and any(
                    o.group != hit.group and _inside(hit, o) for o in _starting_before(hit, longer, longer_starts)):
                continue
        kept.append(hit)
    return kept


def _starting_before(hit: Hit, spans: list[Hit], starts: list[int]) -> list[Hit]:
    """The hits that start at most _MAX_TERM before `hit` and not after it: the only ones
    that can contain it (bisect, so ten thousand hits cost no more than their number)."""
    return spans[bisect.bisect_left(starts, hit.start - _MAX_TERM):bisect.bisect_right(starts, hit.start)]


def _drop_nested(hits: list[Hit]) -> list[Hit]:
    """賭博 also contains 赌: count the longer term only, where spans nest.

    One sweep in start order (longest first at equal starts), so a text of ten thousand
    repeated characters costs no more than its length."""
    kept: list[Hit] = [h for h in hits if h.start < 0]
    max_end, max_end_start = -1, -1
    for hit in sorted((h for h in hits if h.start >= 0), key=lambda h: (h.start, -h.end)):
        if not (hit.end < max_end or (hit.end == max_end and max_end_start < hit.start)):
            kept.append(hit)
        if hit.end > max_end:
            max_end, max_end_start = hit.end, hit.start
    return kept


def _is_latin(term: str) -> bool:
    return term.isascii() and any(ch.isalpha() for ch in term)


class Lexicon:
    """All term lists compiled once; `scan` finds every entry in one pass per view."""

    def __init__(self, entries: Iterable[Entry], simplify: dict[int, str] | None = None) -> None:
        self._cjk = ahocorasick.Automaton()
        self._latin = ahocorasick.Automaton()
        payloads: dict[tuple[bool, str], list[Entry]] = defaultdict(list)
        for entry in entries:
            latin = _is_latin(entry.term)
            key = latin_stream(entry.term.lower()) if latin else normalize(entry.term, simplify).compact
            if key.strip():
                payloads[(latin, key)].append(entry)
        for (latin, key), group_entries in payloads.items():
            (self._latin if latin else self._cjk).add_word(key, (len(key), tuple(group_entries)))
        self.size = len(payloads)
        for automaton in (self._cjk, self._latin):
            if len(automaton):
                automaton.make_automaton()

    def scan(self, text: NormalizedText) -> Hits:
        found: list[Hit] = []
        if len(self._cjk):
            for end, (length, entries) in self._cjk.iter(text.compact):
                start = end - length + 1
                found.extend(Hit(e.term, e.group, e.weight, start, end + 1) for e in entries)
        if len(self._latin):
            for _end, (_length, entries) in self._latin.iter(text.latin):
                found.extend(Hit(e.term, e.group, e.weight, -1, -1) for e in entries)
        return Hits(found)

"""The danger detector (危及生命和公共安全): threats, mass-harm intent, sexual content of
minors, self-harm now, attacks unfolding, frauds draining victims now (rules/danger.yaml).

Pure. It runs before the rest of severity and looks at the words more than at the category,
because a miss costs more than a false alarm; what it raises no later rule lowers. Every
signal that fires is a reason naming the terms, and for threats the anchors by kind
(target, place, time, weapon, explosive), so an operator sees why a report went to the
leadership on duty.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from libs.common.events import Reason
from services.triage.config import MINOR_AGE_GROUP, AnchorRule, DangerConfig, DangerSignal
from services.triage.lexicon import Hit, Hits, close_pairs
from services.triage.textnorm import NormalizedText

_MAX_PAIRS = 32  # enough to explain a decision; bounds the work on pasted essays
LEVELS = ("emergency", "major")  # lowest first: the detector only ever raises to these
_PREFIX = "danger:"


@dataclass(frozen=True)
class Danger:
    """The highest level the signals raise the report to (None: no danger found)."""

    level: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    implied_category: str | None = None  # of the first signal that fired and names one
    implied_zone: str | None = None


@dataclass(frozen=True)
class DangerContext:
    category: str
    zone: str | None
    minor_ages: tuple[tuple[int, int], ...] = ()  # spans of stated ages of minors
    model: dict[str, dict[str, float]] = field(default_factory=dict)  # the model's probabilities by head


class _Groups:
    """The hits of each danger group: lexicon terms, regex patterns and stated ages."""

    def __init__(self, text: NormalizedText, hits: Hits, policy: DangerConfig, context: DangerContext) -> None:
        self._hits = hits
        self._extra: dict[str, list[Hit]] = {}
        for group, patterns in policy.patterns.items():
            for pattern in _compiled(tuple(patterns)):
                self._extra.setdefault(group, []).extend(
                    Hit(m.group(0), _PREFIX + group, 1.0, m.start(), m.end()) for m in pattern.finditer(text.compact))
        self._extra[MINOR_AGE_GROUP] = [Hit(text.compact[s:e], _PREFIX + MINOR_AGE_GROUP, 1.0, s, e)
                                        for s, e in context.minor_ages]

    def get(self, group: str) -> list[Hit]:
        hits = self._hits.group(_PREFIX + group) + self._extra.get(group, [])
        # `<group>_not` (danger.yaml): longer words a hit of the group stands inside and that
        # mean something else (学生 inside 大学生 is no child); such hits do not count.
        masks = self._hits.group(_PREFIX + group + "_not")
        if masks:
            hits = [h for h in hits if h.start < 0 or not any(m.start <= h.start and h.end <= m.end for m in masks)]
        return hits


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _close(a: Hit, b: Hit, window: int) -> bool:
    if a.start < 0 or b.start < 0:  # a Latin token has no position: near everything (false alarm over miss)
        return True
    return max(0, max(a.start, b.start) - min(a.end, b.end)) <= window


def _near(groups: _Groups, group_a: str, group_b: str, window: int) -> list[tuple[Hit, Hit]]:
    """Pairs of hits of the two groups within the window; bounded, so a pasted essay costs
    no more than its length."""
    return close_pairs(groups.get(group_a), groups.get(group_b), window, limit=_MAX_PAIRS, latin_is_near=True,
                       distinct_spans=True)


def _anchors(groups: _Groups, rule: AnchorRule, near_hits: list[Hit]) -> dict[str, list[str]]:
    """Anchor terms by kind that stand within the window of the hits they anchor (anywhere
    in the text when the rule's `near` is "*")."""
    found: dict[str, list[str]] = {}
    if rule.near == "*":
        for kind in rule.kinds:
            if terms := [h.term for h in groups.get(kind)[:_MAX_PAIRS]]:
                found[kind] = list(dict.fromkeys(terms))[:3]
        return found
    near_hits = near_hits[:_MAX_PAIRS]
    for kind in rule.kinds:
        terms = [h.term for h in groups.get(kind)[:_MAX_PAIRS * 4]
                 if any(_close(h, n, rule.window) and (h.start, h.end) != (n.start, n.end) for n in near_hits)]
        if terms:
            found[kind] = list(dict.fromkeys(terms))[:3]
    return found


def _fires(signal: DangerSignal, groups: _Groups, context: DangerContext) -> Reason | None:
    if signal.categories is not None and context.category not in signal.categories:
        return None
    if signal.zones is not None and context.zone not in signal.zones:
        return None
    if any(groups.get(g) for g in signal.unless) and not any(groups.get(g) for g in signal.despite):
        return None
    terms: list[str] = []
    detail = f"-> {_level(signal, context)}"
    if signal.model is not None:
        p = context.model.get(signal.model.head, {}).get(signal.model.label, 0.0)
        if p < signal.model.at_least:
            return None
        detail += f"; model {signal.model.head} {signal.model.label}={p:.2f}"
    for group in signal.all:
        hits = groups.get(group)
        if not hits:
            return None
        terms.extend(h.term for h in hits[:3])
    near_hits: list[Hit] = []
    for group_a, group_b, window in signal.near:
        pairs = _near(groups, group_a, group_b, window)
        if not pairs:
            return None
        terms.extend(h.term for h in pairs[0])
        near_hits.extend(h for pair in pairs for h in pair)
    if signal.anchors is not None:
        rule = signal.anchors
        around = [h for h in near_hits if h.group == _PREFIX + rule.near] or groups.get(rule.near)
        anchors = _anchors(groups, rule, around)
        if len(anchors) < rule.min_kinds:
            return None
        detail += "; anchors: " + ", ".join(f"{kind} {'/'.join(t)}" for kind, t in anchors.items())
        terms.extend(t for ts in anchors.values() for t in ts)
    return Reason(rule=f"danger.{signal.name}", detail=detail, terms=list(dict.fromkeys(terms)))


def _level(signal: DangerSignal, context: DangerContext) -> str:
    return signal.minors_level if signal.minors_level and context.zone == "minors" else signal.level


def detect_danger(text: NormalizedText, hits: Hits, policy: DangerConfig, context: DangerContext) -> Danger:
    """Every signal that fires, and the highest level among them."""
    groups = _Groups(text, hits, policy, context)
    level: str | None = None
    reasons: list[Reason] = []
    implied: dict[str, str | None] = {"category": None, "zone": None}
    for signal in policy.signals:
        reason = _fires(signal, groups, context)
        if reason is not None:
            reasons.append(reason)
            signal_level = _level(signal, context)
            if level is None or LEVELS.index(signal_level) > LEVELS.index(level):
                level = signal_level
            implied["category"] = implied["category"] or signal.implies_category
            implied["zone"] = implied["zone"] or signal.implies_zone
    return Danger(level=level, reasons=reasons, implied_category=implied["category"], implied_zone=implied["zone"])

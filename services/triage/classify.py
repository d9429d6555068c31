"""Category and special zone of a report: model, lexicon and reporter's hint, combined.

Each source adds log-odds to a class: the model gives log P(class | text); matched terms
add `lexicon_scale` per unit of term weight (capped); the reporter's hint adds a small
`hint_bonus` (evidence, not truth: it settles close calls and never outweighs the text).
A softmax over the sums gives the final scores; the top one and its probability are the
decision and its confidence. The category head has one extra class, `invalid`, for
reports that are not about online harmful content (off-topic, vague).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from libs.common.events import Reason
from services.triage.config import HeadWeights
from services.triage.corpus import INVALID, NO_ZONE
from services.triage.lexicon import Hits
from services.triage.rules import TriageRules
from services.triage.textnorm import NormalizedText

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_AGE = re.compile(r"(\d{1,3}|[一二两三四五六七八九十]{1,3})(?:来|多)?岁")


@dataclass(frozen=True)
class Classification:
    category: str  # a Category, or INVALID
    zone: str | None
    confidence: float
    category_scores: dict[str, float]
    zone_scores: dict[str, float]
    reasons: list[Reason]
    model_top: tuple[str, float] = ("other", 0.0)  # the model's own best category and probability
    lexicon_top: tuple[str, float] = ("other", 0.0)  # the category with the most term weight
    model_output: dict[str, dict[str, float]] | None = None  # the model's probabilities, reused on a second pass


def _softmax(logits: dict[str, float]) -> dict[str, float]:
    top = max(logits.values())
    exp = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def _log(p: float) -> float:
    return math.log(max(p, 1e-9))


def _chinese_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):  # 十三
        return 10 + _CN_DIGITS.get(token[1:], 0)
    if "十" in token:  # 二十, 二十五
        tens, _, ones = token.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(token[-1])  # 七八岁: the upper bound


def minor_ages(text: NormalizedText, max_age: int) -> list[tuple[int, tuple[int, int]]]:
    """Every stated age at or below `max_age` ("13岁", "十来岁") and its span in the compact text."""
    found = []
    for match in _AGE.finditer(text.compact):
        age = _chinese_number(match.group(1))
        if age is not None and 0 < age <= max_age:
            found.append((age, match.span()))
    return found


def stated_minor_age(text: NormalizedText, max_age: int) -> int | None:
    """The first stated age at or below `max_age`, if any."""
    ages = minor_ages(text, max_age)
    return ages[0][0] if ages else None


def _lexicon_logits(hits: Hits, prefix: str, classes: list[str], weights: HeadWeights) -> dict[str, float]:
    return {c: weights.lexicon_scale * min(weights.lexicon_cap, hits.weight(f"{prefix}:{c}")) for c in classes}


def _category_logits(model_probs: dict[str, float], hits: Hits, hint: str | None,
                     rules: TriageRules, bonus: dict[str, float]) -> dict[str, float]:
    weights = rules.classifier.category
    lexicon = _lexicon_logits(hits, "category", list(model_probs), weights)
    invalid = rules.validity.invalid_class
    invalid_units = hits.weight("invalid:offtopic") - hits.weight("invalid:online")
    lexicon[INVALID] = invalid.scale * max(-weights.lexicon_cap, min(weights.lexicon_cap, invalid_units))
    return {
        c: _log(p) + lexicon.get(c, 0.0) + (weights.hint_bonus if c == hint else 0.0) + bonus.get(c, 0.0)
        for c, p in model_probs.items()
    }


def _category_reasons(model_probs: dict[str, float], hits: Hits, hint: str | None,
                      final: dict[str, float]) -> list[Reason]:
    top_model = sorted(model_probs.items(), key=lambda kv: -kv[1])[:3]
    reasons = [Reason(rule="model.category", detail=", ".join(f"{c}={p:.2f}" for c, p in top_model),
                      score=round(top_model[0][1], 4))]
    for category in sorted(final, key=lambda c: -final[c])[:3]:
        terms = hits.terms(f"category:{category}")
        if terms:
            reasons.append(Reason(rule="lexicon.category", detail=category, terms=terms[:8],
                                  score=round(hits.weight(f"category:{category}"), 2)))
    if hint:
        agrees = max(final, key=final.__getitem__) == hint
        verdict = "agrees" if agrees else "overruled"
        reasons.append(Reason(rule="hint.category", detail=f"reporter chose {hint}; {verdict}"))
    return reasons


def _zone_logits(model_probs: dict[str, float], hits: Hits, category: str, zone_hint: str | None,
                 minor_age: int | None, rules: TriageRules, bonus: dict[str, float]) -> dict[str, float]:
    weights = rules.classifier.zone
    zones = [z for z in model_probs if z != NO_ZONE]
    lexicon = _lexicon_logits(hits, "zone", zones, weights)
    if minor_age is not None and "minors" in lexicon:
        lexicon["minors"] += weights.lexicon_scale * rules.classifier.tier_weights["strong"]
    logits = {NO_ZONE: _log(model_probs.get(NO_ZONE, 0.0)) + weights.min_margin}
    for zone in zones:
        if category in rules.zones.allowed_categories.get(zone, []):  # type: ignore[call-overload]
            hint = weights.hint_bonus if zone == zone_hint else 0.0
            logits[zone] = _log(model_probs[zone]) + lexicon[zone] + hint + bonus.get(zone, 0.0)
    return logits


def _zone_reasons(zone: str | None, final: dict[str, float], hits: Hits, minor_age: int | None) -> list[Reason]:
    if zone is None:
        return []
    reasons = [Reason(rule="model.zone", detail=zone, score=round(final[zone], 4))]
    terms = hits.terms(f"zone:{zone}")
    if terms:
        reasons.append(Reason(rule="lexicon.zone", detail=zone, terms=terms[:8]))
    if zone == "minors" and minor_age is not None:
        reasons.append(Reason(rule="zone.stated_age", detail=f"stated age {minor_age}"))
    return reasons


def classify(text: NormalizedText, hits: Hits, rules: TriageRules, *,
             category_hint: str | None = None, zone_hint: str | None = None,
             category_bonus: dict[str, float] | None = None, zone_bonus: dict[str, float] | None = None,
             predicted: dict[str, dict[str, float]] | None = None) -> Classification:
    """Category (or INVALID) and zone of a normalized report, with scores and reasons.
    `category_bonus`/`zone_bonus` add log-odds (what the danger detector found implies);
    `predicted` is the model's output when the caller already has it."""
    predicted = predicted or rules.model.predict(text)
    category_probs = _softmax(_category_logits(predicted["category"], hits, category_hint, rules,
                                               category_bonus or {}))
    category = max(category_probs, key=category_probs.__getitem__)
    minor_age = stated_minor_age(text, rules.zones.minor_age)
    zone_probs = _softmax(_zone_logits(predicted["zone"], hits, category, zone_hint, minor_age, rules,
                                       zone_bonus or {}))
    zone_key = max(zone_probs, key=zone_probs.__getitem__)
    zone = None if zone_key == NO_ZONE or category == INVALID else zone_key
    reasons = _category_reasons(predicted["category"], hits, category_hint, category_probs)
    reasons += _zone_reasons(zone, zone_probs, hits, minor_age)
    model_probs = {c: p for c, p in predicted["category"].items() if c != INVALID}
    lexicon_weights = {c: hits.weight(f"category:{c}") for c in model_probs}
    return Classification(
        model_output=predicted,
        category=category, zone=zone, confidence=category_probs[category],
        category_scores=category_probs, zone_scores=zone_probs, reasons=reasons,
        model_top=max(model_probs.items(), key=lambda kv: kv[1]),
        lexicon_top=max(lexicon_weights.items(), key=lambda kv: kv[1]),
    )

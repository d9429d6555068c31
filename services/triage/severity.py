"""Severity (分级处置) of a valid report, by the policy in rules/severity.yaml.

Order of the steps (the YAML explains why): the danger detector's finding (danger.py) first,
then the content level (base by category, zone floor), one-step raise for minors, triggers
that lift to difficult/emergency/major, and the volume raise for a case collecting many
reports fast. Every step that changes the level is a reason; a level the danger detector
raised is a floor no later step goes below.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from libs.common.events import Reason
from services.triage.config import SeverityConfig, Trigger
from services.triage.danger import Danger
from services.triage.lexicon import Hits


@dataclass(frozen=True)
class SeverityInput:
    category: str
    zone: str | None
    confidence: float
    reports_last_hour: int = 1
    model_top: tuple[str, float] = ("other", 0.0)
    lexicon_top: tuple[str, float] = ("other", 0.0)
    danger: Danger = field(default_factory=Danger)


def _higher(policy: SeverityConfig, a: str, b: str) -> str:
    return a if policy.order.index(a) >= policy.order.index(b) else b  # type: ignore[arg-type]


def trigger_terms(trigger: Trigger, case: SeverityInput, hits: Hits) -> list[str] | None:
    """The terms that made `trigger` fire, or None when it does not apply."""
    if trigger.categories is not None and case.category not in trigger.categories:
        return None
    if trigger.zones is not None and case.zone not in trigger.zones:
        return None
    if any(hits.group(f"severity:{g}") for g in trigger.unless):
        return None
    terms: list[str] = []
    for group in trigger.all:
        found = hits.terms(f"severity:{group}")
        if not found:
            return None
        terms.extend(found[:3])
    for group_a, group_b, window in trigger.near:
        pair = hits.near(f"severity:{group_a}", f"severity:{group_b}", window)
        if not pair:
            return None
        terms.extend(pair)
    return list(dict.fromkeys(terms))


def _content_level(policy: SeverityConfig, case: SeverityInput) -> tuple[str, list[Reason]]:
    level: str = policy.base[case.category]  # type: ignore[index]
    reasons = [Reason(rule="severity.base", detail=f"{case.category} -> {level}")]
    floor = policy.zone_at_least.get(case.zone) if case.zone else None  # type: ignore[call-overload]
    if floor and _higher(policy, floor, level) != level:
        level = floor
        reasons.append(Reason(rule="severity.zone_at_least", detail=f"{case.zone} -> at least {floor}"))
    if case.zone in policy.raise_zones:
        raised = policy.raise_one_level[level]  # type: ignore[index]
        reasons.append(Reason(rule="severity.raise_zone", detail=f"{case.zone}: {level} -> {raised}"))
        level = raised
    if floor is not None:  # what the danger detector raised is never lowered
        level = _higher(policy, level, floor)
    return level, reasons


def _structural_triggers(policy: SeverityConfig, case: SeverityInput) -> list[tuple[str, Reason]]:
    fired: list[tuple[str, Reason]] = []
    if case.zone in policy.zone_difficult:
        fired.append(("difficult", Reason(rule="severity.zone_difficult", detail=f"{case.zone} needs expert review")))
    if case.confidence < policy.low_confidence:
        fired.append(("difficult", Reason(rule="severity.low_confidence",
                                          detail=f"category confidence below {policy.low_confidence}",
                                          score=round(case.confidence, 4))))
    if (conflict := _conflict(policy, case)) is not None:
        fired.append(("difficult", conflict))
    return fired


def _conflict(policy: SeverityConfig, case: SeverityInput) -> Reason | None:
    """The model and the term lists point firmly at different categories, and the combined
    decision is not sure either: an expert should look (conflicting signals)."""
    rule = policy.conflicting_signals
    (model_category, model_p), (term_category, term_weight) = case.model_top, case.lexicon_top
    if (model_category != term_category and model_p >= rule.model_prob and term_weight >= rule.term_weight
            and case.confidence < rule.below_confidence):
        return Reason(rule="severity.conflicting_signals",
                      detail=f"model says {model_category} ({model_p:.2f}), terms say {term_category}",
                      score=round(case.confidence, 4))
    return None


def assess(case: SeverityInput, hits: Hits, policy: SeverityConfig) -> tuple[str, list[Reason]]:
    """The severity of a valid report and the reasons for it."""
    level, reasons = _content_level(policy, case)
    floor = case.danger.level
    if floor is not None and _higher(policy, floor, level) == floor:
        level = floor
    reasons = [*case.danger.reasons, *reasons]
    fired = _structural_triggers(policy, case)
    for trigger in policy.triggers:
        terms = trigger_terms(trigger, case, hits)
        if terms is not None:
            fired.append((trigger.level, Reason(rule=f"severity.{trigger.name}", detail=f"-> {trigger.level}",
                                                terms=terms)))
    for trigger_level, reason in fired:
        if _higher(policy, trigger_level, level) == trigger_level:  # ties are kept: they explain too
            level = trigger_level
            reasons.append(reason)
    if case.reports_last_hour >= policy.volume.reports_last_hour:
        raised = policy.raise_one_level[level]  # type: ignore[index]
        reasons.append(Reason(rule="severity.volume",
                              detail=f"{case.reports_last_hour} reports in the last hour: {level} -> {raised}"))
        level = raised
    if floor is not None:  # what the danger detector raised is never lowered
        level = _higher(policy, level, floor)
    return level, reasons

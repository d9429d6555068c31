"""The triage decision (研判) for one report: validity, category, zone, severity, reasons.

    triage(report, rules, reports_last_hour=n) -> TriageDecision

Pure: no I/O. The caller (the Kafka handler, the replay CLI) loads the rules once
(`load_rules` or a `RulesHolder`) and passes the number of reports the report's case
collected in the last hour, for the volume rule.
"""
from __future__ import annotations

import dataclasses

from libs.common.events import Reason, ReportContent, TriageDecision
from services.triage.classify import Classification, classify, minor_ages
from services.triage.corpus import INVALID
from services.triage.danger import Danger, DangerContext, detect_danger
from services.triage.lexicon import Hits
from services.triage.rules import TriageRules
from services.triage.severity import SeverityInput, assess
from services.triage.textnorm import NormalizedText, normalize
from services.triage.validity import Invalid, check_text, invalid_by_class


def report_text_extras(report: ReportContent) -> list[str]:
    return [x for x in (report.target_account, report.target_platform) if x]


def report_text(report: ReportContent) -> str:
    """What the classifier reads: the description, plus the named account and platform
    (an account called "菠菜导师" says something the description may not)."""
    return "\n".join([report.text, *report_text_extras(report)])


def _scores(result: Classification) -> dict[str, float]:
    scores = {f"category:{c}": round(p, 4) for c, p in result.category_scores.items()}
    scores.update({f"zone:{z}": round(p, 4) for z, p in result.zone_scores.items()})
    return scores


def _invalid(invalid: Invalid, reasons: list[Reason], scores: dict[str, float]) -> TriageDecision:
    return TriageDecision(
        category="other", zone=None, severity="general", valid=False, invalid_reason=invalid.reply,
        confidence=scores.get(f"category:{INVALID}", 1.0), scores=scores,
        reasons=[*reasons, Reason(rule=f"validity.{invalid.kind}", detail=invalid.detail)],
    )


def _flags(report: ReportContent) -> list[Reason]:
    if report.imminent_danger:
        return [Reason(rule="intake.imminent_danger", detail="intake flagged a threat to life or a crime in progress")]
    return []


def _danger(text: NormalizedText, hits: Hits, result: Classification, rules: TriageRules) -> Danger:
    ages = tuple(span for _, span in minor_ages(text, rules.zones.minor_age))
    category = result.category if result.category != INVALID else "other"
    context = DangerContext(category=category, zone=result.zone, minor_ages=ages, model=result.model_output or {})
    return detect_danger(text, hits, rules.danger, context)


def _merged(first: Danger, second: Danger) -> Danger:
    """The second pass's finding, never below the first's (a raised level is not lowered)."""
    levels = ("emergency", "major")
    if first.level is not None and (second.level is None or levels.index(first.level) > levels.index(second.level)):
        level = first.level
    else:
        level = second.level
    seen = {r.rule for r in second.reasons}
    reasons = [*second.reasons, *(r for r in first.reasons if r.rule not in seen)]
    return dataclasses.replace(second, level=level, reasons=reasons)


def _implied(text: NormalizedText, hits: Hits, report: ReportContent, rules: TriageRules,
             result: Classification, danger: Danger) -> tuple[Classification, Danger]:
    """What the danger detector found says what the report is (a threat is 暴恐 even when
    posted as a complaint; a child in sexual content is 涉未成年人): its category and zone
    get `danger_bonus` log-odds and the report is classified again."""
    weights = rules.classifier
    category_bonus = ({danger.implied_category: weights.danger_bonus}
                      if danger.implied_category and danger.implied_category != result.category else {})
    zone_bonus = ({danger.implied_zone: weights.zone_danger_bonus}
                  if danger.implied_zone and danger.implied_zone != result.zone else {})
    if not (category_bonus or zone_bonus):
        return result, danger
    again = classify(text, hits, rules, category_hint=report.category_hint, zone_hint=report.zone_hint,
                     category_bonus=category_bonus, zone_bonus=zone_bonus, predicted=result.model_output)
    implied = ", ".join(f"{label} +{bonus}" for label, bonus in (category_bonus | zone_bonus).items())
    again = dataclasses.replace(again, reasons=[*again.reasons, Reason(
        rule="danger.implies", detail=f"{implied}: {result.category}/{result.zone} -> {again.category}/{again.zone}")])
    return again, _merged(danger, _danger(text, hits, again, rules))


def _zone_category(result: Classification, danger: Danger, rules: TriageRules) -> Classification:
    """A zone that names the kind of harm settles the category (classifier.yaml
    `zone_category`): defaming a business is 侵权 even when it reads like a rumor. Not when the
    danger detector says what the report is (a threat with a weapon stays 暴恐)."""
    rule = rules.classifier.zone_category.get(result.zone) if result.zone else None  # type: ignore[call-overload]
    if (rule is None or result.category not in rule.from_categories or rule.category == result.category
            or danger.implied_category == result.category):
        return result
    reason = Reason(rule="zone.category", detail=f"{result.zone}: {result.category} -> {rule.category}")
    return dataclasses.replace(result, category=rule.category, reasons=[*result.reasons, reason])


def _look_alike(text: NormalizedText, hits: Hits, report: ReportContent, rules: TriageRules,
                result: Classification, danger: Danger) -> Classification:
    """Violent words in a film, a game, a drill or a cooking video are what make such a report
    read as 暴恐; when the reporter says it is not real and no danger signal found a threat,
    the report is about that content (classifier.yaml `look_alike`). Only when the detector
    found nothing: a threat said inside a film review still counts."""
    rule = rules.classifier.look_alike
    if rule is None or danger.level is not None or result.category not in rule.from_categories:
        return result
    found = [h.term for g in rule.groups for h in hits.group(f"danger:{g}")]
    if not found or any(hits.group(f"danger:{g}") for g in rule.despite):
        return result
    again = classify(text, hits, rules, category_hint=report.category_hint, zone_hint=report.zone_hint,
                     category_bonus={rule.category: rule.bonus}, predicted=result.model_output)
    reason = Reason(rule="classifier.look_alike", terms=list(dict.fromkeys(found))[:6],
                    detail=f"{rule.category} +{rule.bonus}: {result.category} -> {again.category}")
    return dataclasses.replace(again, reasons=[*again.reasons, reason])


def _as_valid(result: Classification) -> Classification:
    """The best real category of a report the classifier called invalid."""
    scores = {c: p for c, p in result.category_scores.items() if c != INVALID}
    category = max(scores, key=scores.__getitem__)
    return dataclasses.replace(result, category=category, confidence=scores[category])


def triage_text(text: NormalizedText, hits: Hits, report: ReportContent, rules: TriageRules,
                reports_last_hour: int) -> TriageDecision:
    # Empty, gibberish and test are judged on the description alone: naming an account
    # does not make an empty report say something.
    description = text if not report_text_extras(report) else normalize(report.text, rules.simplify)
    if (invalid := check_text(description, hits, rules.validity)) is not None:
        return _invalid(invalid, [], {})
    result = classify(text, hits, rules, category_hint=report.category_hint, zone_hint=report.zone_hint)
    danger = _danger(text, hits, result, rules)
    result, danger = _implied(text, hits, report, rules, result, danger)
    result = _zone_category(result, danger, rules)
    result = _look_alike(text, hits, report, rules, result, danger)
    if result.category == INVALID:
        if danger.level is None:
            return _invalid(invalid_by_class(text, hits, rules.validity), result.reasons, _scores(result))
        result = _as_valid(result)  # a report naming a danger to life is never set aside as off-topic
    case = SeverityInput(category=result.category, zone=result.zone, confidence=result.confidence,
                         reports_last_hour=reports_last_hour, model_top=result.model_top,
                         lexicon_top=result.lexicon_top, danger=danger)
    severity, severity_reasons = assess(case, hits, rules.severity)
    return TriageDecision(
        category=result.category,  # type: ignore[arg-type]
        zone=result.zone,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        confidence=round(result.confidence, 4),
        scores=_scores(result),
        reasons=[*result.reasons, *severity_reasons, *_flags(report)],
    )


def triage(report: ReportContent, rules: TriageRules, *, reports_last_hour: int = 1) -> TriageDecision:
    """Judge one report. Never raises on any text; every decision carries its reasons."""
    text = normalize(report_text(report), rules.simplify)
    return triage_text(text, rules.lexicon.scan(text), report, rules, reports_last_hour)

"""The shapes of the rule files in rules/*.yaml, validated when they are loaded.

A typo in a category, zone, severity or term-group name fails the load with the file and
field, so an operator's bad edit never reaches a decision (RulesHolder keeps the old rules).
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from libs.common.vocabulary import Category, Severity, Zone

Tier = Literal["strong", "medium", "weak"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermTiers(Strict):
    strong: list[str] = Field(default_factory=list)
    medium: list[str] = Field(default_factory=list)
    weak: list[str] = Field(default_factory=list)

    def weighted(self, tier_weights: dict[Tier, float]) -> list[tuple[str, float]]:
        tiers: list[tuple[Tier, list[str]]] = [("strong", self.strong), ("medium", self.medium), ("weak", self.weak)]
        return [(str(term), tier_weights[tier]) for tier, terms in tiers for term in terms]


class HeadWeights(Strict):
    lexicon_scale: float
    lexicon_cap: float
    hint_bonus: float
    min_margin: float = 0.0


class ZoneCategory(Strict):
    """A zone that names the kind of harm settles the category: a report in `zone` whose
    category is one of `from_categories` becomes `category` (rules/classifier.yaml)."""

    category: Category
    from_categories: list[Category]


class LookAlike(Strict):
    """Violent words in content the reporter says is not real (a film, a game, a drill, a
    cooking video) where the danger detector found no threat: the report is about what it
    is, not about violence. `groups` and `despite` are danger.yaml term groups; `bonus`
    log-odds go to `category` and the report is classified again (rules/classifier.yaml)."""

    groups: list[str]
    despite: list[str] = Field(default_factory=list)
    from_categories: list[Category]
    category: Category
    bonus: float


class ClassifierConfig(Strict):
    model_file: str
    tier_weights: dict[Tier, float]
    category: HeadWeights
    zone: HeadWeights
    # Log-odds a danger signal's `implies_category` / `implies_zone` adds (danger.yaml).
    danger_bonus: float = 0.0
    zone_danger_bonus: float = 0.0
    zone_category: dict[Zone, ZoneCategory] = Field(default_factory=dict)
    look_alike: LookAlike | None = None
    # Ordinary words that contain a term (枪版 is a pirate copy, 砍一刀 a discount): every
    # shorter term inside one of them is not counted, in any term list.
    ordinary_words: list[str] = Field(default_factory=list)


class ZonesConfig(Strict):
    minor_age: int = 17
    allowed_categories: dict[Zone, list[Category]]
    terms: dict[Zone, TermTiers]


class Trigger(Strict):
    """Lifts the severity to `level` when its term groups match (see severity.yaml)."""

    name: str
    level: Severity
    categories: list[Category] | None = None
    zones: list[Zone] | None = None
    all: list[str] = Field(default_factory=list)
    near: list[tuple[str, str, int]] = Field(default_factory=list)  # [group, group, window]
    unless: list[str] = Field(default_factory=list)

    def groups(self) -> set[str]:
        return {*self.all, *self.unless, *(g for a, b, _ in self.near for g in (a, b))}


class Volume(Strict):
    reports_last_hour: int = 20


class ConflictingSignals(Strict):
    model_prob: float = 0.6
    term_weight: float = 6.0
    below_confidence: float = 0.7


class SeverityConfig(Strict):
    order: list[Severity]
    raise_one_level: dict[Severity, Severity]
    base: dict[Category, Severity]
    zone_at_least: dict[Zone, Severity] = Field(default_factory=dict)
    raise_zones: list[Zone] = Field(default_factory=list)
    zone_difficult: list[Zone] = Field(default_factory=list)
    low_confidence: float = 0.3
    volume: Volume = Field(default_factory=Volume)
    conflicting_signals: ConflictingSignals = Field(default_factory=ConflictingSignals)
    terms: dict[str, list[str]]
    triggers: list[Trigger]

    @model_validator(mode="after")
    def _groups_exist(self) -> SeverityConfig:
        for trigger in self.triggers:
            missing = trigger.groups() - self.terms.keys()
            if missing:
                raise ValueError(f"trigger {trigger.name}: unknown term groups {sorted(missing)}")
        return self


class AnchorRule(Strict):
    """At least `min_kinds` kinds of concrete anchor (target, place, time, weapon, ...)
    within `window` characters of a hit of the group `near`."""

    near: str  # "*": anywhere in the text
    window: int
    kinds: list[str]
    min_kinds: int = 1


class ModelCondition(Strict):
    """The model's head `head` gives `label` at least `at_least` (a probability)."""

    head: str
    label: str
    at_least: float


class DangerSignal(Strict):
    """A danger the detector raises to `level` (see danger.yaml); like a severity trigger,
    plus anchors that must stand near the intent."""

    name: str
    level: Literal["major", "emergency"]
    categories: list[Category] | None = None
    zones: list[Zone] | None = None
    all: list[str] = Field(default_factory=list)
    near: list[tuple[str, str, int]] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    despite: list[str] = Field(default_factory=list)  # when one of these matched, `unless` does not hold
    anchors: AnchorRule | None = None
    model: ModelCondition | None = None  # the model's own reading of the whole text (model.py heads)
    minors_level: Literal["major", "emergency"] | None = None  # the level when the zone is minors
    implies_category: Category | None = None  # what the report is, whatever the words around it
    implies_zone: Zone | None = None

    def groups(self) -> set[str]:
        groups = {*self.all, *self.unless, *self.despite, *(g for a, b, _ in self.near for g in (a, b))}
        if self.anchors:
            groups |= {*self.anchors.kinds} | ({self.anchors.near} if self.anchors.near != "*" else set())
        return groups


MINOR_AGE_GROUP = "stated_minor_age"  # filled by the detector from a stated age, not from terms


class DangerConfig(Strict):
    terms: dict[str, list[str]]
    patterns: dict[str, list[str]] = Field(default_factory=dict)  # regexes over the compact text
    signals: list[DangerSignal]

    @model_validator(mode="after")
    def _groups_exist(self) -> DangerConfig:
        known = self.terms.keys() | self.patterns.keys() | {MINOR_AGE_GROUP}
        for signal in self.signals:
            missing = signal.groups() - known
            if missing:
                raise ValueError(f"signal {signal.name}: unknown term groups {sorted(missing)}")
        for group, patterns in self.patterns.items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"patterns.{group}: {pattern!r}: {exc}") from exc
        return self


class EvasionConfig(Strict):
    """Evasion spellings per character (rules/evasion.yaml)."""

    tiers: list[Tier] = Field(default_factory=lambda: ["strong"])
    min_term_chars: int = 2
    chars: dict[str, list[str]]

    def variants(self, term: str) -> list[str]:
        """The term with one of its characters written another way (拼音, 谐音)."""
        if len(term) < self.min_term_chars:
            return []
        return [term[:i] + alt + term[i + 1:] for i, ch in enumerate(term) for alt in self.chars.get(ch, ())]


class TestRule(Strict):
    __test__ = False  # not a pytest test class, despite the name
    terms: list[str]
    max_chars: int
    max_harm_weight: float


class GibberishRule(Strict):
    keyboard_runs: list[str]
    max_char_run: int
    min_distinct_ratio: float
    distinct_ratio_max_chars: int
    max_cjk_word_ratio: float


class InvalidClass(Strict):
    scale: float
    offtopic: TermTiers
    online: TermTiers


class Replies(Strict):
    empty: str
    gibberish: str
    test: str
    vague: str
    offtopic: str


class ValidityConfig(Strict):
    min_content_chars: int
    test: TestRule
    gibberish: GibberishRule
    invalid_class: InvalidClass
    replies: Replies


class UrlRules(Strict):
    drop_params: list[str]
    strip_host_prefixes: list[str]
    host_aliases: dict[str, str]
    item_params: dict[str, list[str]]


class Platform(Strict):
    names: list[str]
    hosts: list[str]


class AccountRules(Strict):
    platforms: dict[str, Platform]
    strip_words: list[str]


class TextSignatureRules(Strict):
    num_perm: int
    bands: int
    rows: int
    shingle: int
    seed: int
    min_chars: int
    duplicate_similarity: float

    @model_validator(mode="after")
    def _bands_fit(self) -> TextSignatureRules:
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")
        return self


class CasesConfig(Strict):
    url: UrlRules
    account: AccountRules
    text: TextSignatureRules


class NormalizeConfig(Strict):
    simplify: dict[str, str]
    # Symbols that say a word (🔪 is a knife): read as that word before symbols are dropped.
    symbols: dict[str, str] = Field(default_factory=dict)
    # Cantonese written characters (佢, 咗, 唔): read as the Mandarin word, so 佢话今晚去 and
    # 唔敢出门 meet the same term lists as 他说今晚去 and 不敢出门.
    dialect: dict[str, str] = Field(default_factory=dict)

"""Loading the triage rules (rules/*.yaml and the model file) and reloading them on change.

`load_rules(directory)` reads and validates every rule file, compiles the term lists into
one Aho-Corasick lexicon and loads the model. `RulesHolder` keeps the current rules and
reloads them when a file's mtime changes, so an operator's edit needs no release; a bad
edit is logged and the previous rules stay in force.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel

from libs.common.rulefile import Reloading
from services.triage.config import (
    CasesConfig,
    ClassifierConfig,
    DangerConfig,
    EvasionConfig,
    NormalizeConfig,
    SeverityConfig,
    TermTiers,
    ValidityConfig,
    ZonesConfig,
)
from services.triage.corpus import corpus_digest
from services.triage.lexicon import MASK, Entry, Lexicon
from services.triage.model import TextModel, load_model
from services.triage.textnorm import simplify_table

log = logging.getLogger(__name__)

RULES_DIR = Path(__file__).with_name("rules")
RULE_FILES = ("classifier", "categories", "zones", "severity", "danger", "evasion", "validity", "cases", "normalize")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class TriageRules:
    classifier: ClassifierConfig
    categories: dict[str, TermTiers]
    zones: ZonesConfig
    severity: SeverityConfig
    danger: DangerConfig
    validity: ValidityConfig
    cases: CasesConfig
    simplify: dict[int, str]
    lexicon: Lexicon
    model: TextModel
    version: str  # hash of the rule files and the model: which rules made a decision


def _read_yaml(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parse(model: type[M], directory: Path, name: str) -> M:
    path = directory / f"{name}.yaml"
    try:
        return model.model_validate(_read_yaml(path))
    except Exception as exc:  # the file name makes the operator's error findable
        raise ValueError(f"{path}: {exc}") from exc


def _entries(classifier: ClassifierConfig, categories: dict[str, TermTiers], zones: ZonesConfig,
             severity: SeverityConfig, danger: DangerConfig, evasion: EvasionConfig,
             validity: ValidityConfig) -> Iterator[Entry]:
    tiers = classifier.tier_weights
    yield from (Entry(t, MASK) for t in classifier.ordinary_words)
    for category, tiered in categories.items():
        yield from (Entry(t, f"category:{category}", w) for t, w in tiered.weighted(tiers))
        # An evasion spelling (du博) is the term the writer meant, at the term's own weight;
        # the reason shows the term as spelled in the text, so an operator sees the evasion.
        for tier in evasion.tiers:
            yield from (Entry(v, f"category:{category}", tiers[tier])
                        for t in getattr(tiered, tier) for v in evasion.variants(str(t)))
    for zone, tiered in zones.terms.items():
        yield from (Entry(t, f"zone:{zone}", w) for t, w in tiered.weighted(tiers))
    for group, terms in severity.terms.items():
        yield from (Entry(t, f"severity:{group}") for t in terms)
    for group, terms in danger.terms.items():
        yield from (Entry(t, f"danger:{group}") for t in terms)
        yield from (Entry(v, f"danger:{group}") for t in terms for v in evasion.variants(t))
    yield from (Entry(t, "invalid:offtopic", w) for t, w in validity.invalid_class.offtopic.weighted(tiers))
    yield from (Entry(t, "invalid:online", w) for t, w in validity.invalid_class.online.weighted(tiers))
    yield from (Entry(t, "validity:test") for t in validity.test.terms)


def watched_files(directory: Path) -> list[Path]:
    classifier = _parse(ClassifierConfig, directory, "classifier")
    return [directory / f"{name}.yaml" for name in RULE_FILES] + [(directory / classifier.model_file).resolve()]


def _version(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _load_checked_model(path: Path) -> TextModel:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no triage model; run python -m services.triage.train")
    model = load_model(path)
    if model.meta.get("corpus_digest") != corpus_digest():
        log.warning("triage model %s was trained on another corpus: run python -m services.triage.train", path)
    return model


def load_rules(directory: Path | str = RULES_DIR, *, model: TextModel | None = None) -> TriageRules:
    """Read, validate and compile every rule file of `directory`; raise on any error.

    `model` replaces the model file (training and cross-validation pass their own)."""
    directory = Path(directory)
    classifier = _parse(ClassifierConfig, directory, "classifier")
    categories_raw = _read_yaml(directory / "categories.yaml")
    if not isinstance(categories_raw, dict):
        raise ValueError(f"{directory / 'categories.yaml'}: expected a mapping of category to terms")
    categories = {str(c): TermTiers.model_validate(t) for c, t in categories_raw.items()}
    zones = _parse(ZonesConfig, directory, "zones")
    severity = _parse(SeverityConfig, directory, "severity")
    danger = _parse(DangerConfig, directory, "danger")
    if classifier.look_alike is not None:
        unknown = set(classifier.look_alike.groups + classifier.look_alike.despite) - danger.terms.keys()
        if unknown:
            raise ValueError(f"{directory / 'classifier.yaml'}: look_alike: unknown danger.yaml term groups {sorted(unknown)}")
    evasion = _parse(EvasionConfig, directory, "evasion")
    validity = _parse(ValidityConfig, directory, "validity")
    normalize_config = _parse(NormalizeConfig, directory, "normalize")
    simplify = simplify_table({**normalize_config.simplify, **normalize_config.dialect, **normalize_config.symbols})
    if model is None:
        model = _load_checked_model((directory / classifier.model_file).resolve())
    return TriageRules(
        classifier=classifier, categories=categories, zones=zones, severity=severity, danger=danger,
        validity=validity, cases=_parse(CasesConfig, directory, "cases"), simplify=simplify,
        lexicon=Lexicon(_entries(classifier, categories, zones, severity, danger, evasion, validity), simplify),
        model=model, version=_version([p for p in watched_files(directory) if p.exists()]),
    )


class RulesHolder(Reloading[TriageRules]):
    """Triage's current rules: the whole `rules/` folder and the model, reloaded on change
    (libs.common.rulefile.Reloading), so `get()` per report is cheap."""

    def __init__(self, directory: Path | str = RULES_DIR, *, check_interval: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.directory = Path(directory)
        super().__init__(lambda: load_rules(self.directory), lambda: watched_files(self.directory),
                         name="triage", check_interval=check_interval, clock=clock)

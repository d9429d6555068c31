"""Rumor's rule files (`rules/`), each validated by a pydantic model at load.

- `rules/params.yaml`: clustering and alert parameters (`RumorParams`);
- `rules/places.yaml`: divisions the national table lacks, nicknames, landmark and site words (`PlaceNames`);
  former names are shared with dispatch (`libs/common/places/former_names.yaml`);
- `rules/synonyms.yaml`: event concepts (`Synonyms`); `rules/objects.yaml`: alternatives of a kind
  (metro / bus / taxi) (`Objects`); `rules/dialect.yaml`: 白话 -> Mandarin
  (`Dialect`); `rules/stopwords.txt` and `rules/corpus.txt` are plain word lists and text.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel

from libs.common.rulefile import load_rule_file

RULES_DIR = Path(__file__).with_name("rules")
PARAMS_PATH = RULES_DIR / "params.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextParams(_Frozen):
    word_weight: float = Field(1.0, ge=0)
    bigram_weight: float = Field(0.6, ge=0)
    char_weight: float = Field(0.6, ge=0)
    concept_weight: float = Field(0.5, ge=0)
    quantity_weight: float = Field(0.3, ge=0)
    idf_power: float = Field(1.5, gt=0)
    max_profile_terms: int = Field(96, ge=8)
    query_key_terms: int = Field(64, ge=1)
    index_key_terms: int = Field(64, ge=1)


class JoinParams(_Frozen):
    threshold: float = 0.15
    min_text: float = 0.08
    url_bonus: float = 0.45
    city_agree_bonus: float = 0.08
    city_conflict_penalty: float = 1.00
    province_conflict_penalty: float = 0.30
    district_agree_bonus: float = 0.04
    district_conflict_penalty: float = 0.06
    named_district_conflict_penalty: float = 0.0
    city_scope_share: float = Field(0.5, gt=0, le=1)
    scope_conflict_penalty: float = Field(0.0, ge=0)
    district_in_city_claim_penalty: float = Field(0.0, ge=0)
    city_words_conflict_penalty: float = Field(0.0, ge=0)
    site_agree_bonus: float = 0.10
    dominant_share: float = Field(0.25, gt=0, le=1)
    concept_conflict_penalty: float = Field(0.0, ge=0)
    site_conflict_penalty: float = Field(0.0, ge=0)
    line_agree_bonus: float = Field(0.0, ge=0)
    line_conflict_penalty: float = Field(0.0, ge=0)
    day_agree_bonus: float = Field(0.0, ge=0)
    day_conflict_penalty: float = Field(0.0, ge=0)
    object_conflict_penalty: float = Field(0.0, ge=0)
    object_agree_bonus: float = Field(0.0, ge=0)
    quantity_agree_bonus: float = Field(0.0, ge=0)
    fact_dominant_share: float = Field(0.5, gt=0, le=1)


class PlaceParams(_Frozen):
    max_common_word_freq: int = 500
    extra_stop_short_names: tuple[str, ...] = ()


class ClaimParams(_Frozen):
    ttl_days: float = Field(30, gt=0)
    max_sample_texts: int = Field(3, ge=1)
    max_urls: int = Field(50, ge=1)
    max_report_ids: int = Field(500, ge=1)
    max_recent_times: int = Field(200, ge=1)
    max_candidates: int = Field(50, ge=1)
    common_key_claims: int = Field(200, ge=1)


class AlertParams(_Frozen):
    min_reports: int = Field(5, ge=1)
    window_minutes: float = Field(60, gt=0)


class RumorParams(_Frozen):
    text: TextParams = TextParams()
    join: JoinParams = JoinParams()
    places: PlaceParams = PlaceParams()
    claims: ClaimParams = ClaimParams()
    alert: AlertParams = AlertParams()


def load_params(path: Path | str | None = None) -> RumorParams:
    """Read and validate a params file; a typo in a key fails loudly (extra='forbid')."""
    return load_rule_file(RumorParams, path or PARAMS_PATH, empty_ok=True)


@lru_cache(maxsize=1)
def default_params() -> RumorParams:
    return load_params(PARAMS_PATH)


Code = Annotated[str, BeforeValidator(str)]  # a division code, quoted or not in the YAML


class FeatureSuffixes(_Frozen):
    # 洪泽湖: a county's short name before these is a natural feature. Road words (中山路)
    # are one rule for dispatch and rumor: libs/common/places/roads.py.
    landmark: tuple[str, ...]


class SiteWords(_Frozen):
    suffixes: tuple[str, ...]  # 小学, 水库, ...: a proper name before one is a site
    infixes: tuple[str, ...]  # 实验, 第一, ...: may stand between the name and the suffix
    kinds: dict[str, tuple[str, ...]] = {}  # kind -> its suffixes: only sites of one kind are compared
    not_names: tuple[str, ...] = ()  # words before a suffix that are not a name (孩子学校)
    form_kinds: tuple[str, ...] = ()  # kinds also found by form alone, without a proper noun


class PlaceNames(_Frozen):
    """rules/places.yaml: the supplement to the national division table (libs.common.places)."""

    extra_divisions: dict[Code, tuple[str, Code | None]] = {}  # code -> (name, parent city code)
    aliases: dict[str, Code] = {}  # nickname or zone -> division code
    feature_suffixes: FeatureSuffixes
    stop_short_names: tuple[str, ...] = ()
    sites: SiteWords


class Synonyms(RootModel[dict[str, tuple[str, ...]]]):
    """rules/synonyms.yaml: concept -> the words that name it."""


class Objects(RootModel[dict[str, dict[str, tuple[str, ...]]]]):
    """rules/objects.yaml: group of alternatives -> member -> the words that name it."""


_NoGroups = Annotated[tuple[tuple[str, ...], ...], BeforeValidator(lambda v: () if v == {} else v)]


class Related(RootModel[_NoGroups]):
    """rules/related.yaml: groups of happening concepts that tell one event as cause and
    consequence (a flood and the levee it brought down); concepts of rules/synonyms.yaml. An
    empty file is no groups."""


class Dialect(RootModel[dict[str, str | None]]):
    """rules/dialect.yaml: dialect or colloquial form -> Mandarin (blank: dropped)."""


@lru_cache(maxsize=1)
def place_names() -> PlaceNames:
    return load_rule_file(PlaceNames, RULES_DIR / "places.yaml")


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    return load_rule_file(Synonyms, RULES_DIR / "synonyms.yaml", empty_ok=True)


@lru_cache(maxsize=1)
def objects() -> Objects:
    return load_rule_file(Objects, RULES_DIR / "objects.yaml", empty_ok=True)


@lru_cache(maxsize=1)
def related() -> Related:
    return load_rule_file(Related, RULES_DIR / "related.yaml", empty_ok=True)


@lru_cache(maxsize=1)
def dialect() -> Dialect:
    return load_rule_file(Dialect, RULES_DIR / "dialect.yaml", empty_ok=True)

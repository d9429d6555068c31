"""Clustering and alert parameters, loaded from the operator-editable `params.yaml`."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

PARAMS_PATH = Path(__file__).with_name("params.yaml")


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
    site_agree_bonus: float = 0.10
    dominant_share: float = Field(0.25, gt=0, le=1)
    concept_conflict_penalty: float = Field(0.0, ge=0)


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
    raw = yaml.safe_load(Path(path or PARAMS_PATH).read_text(encoding="utf-8")) or {}
    return RumorParams.model_validate(raw)


@lru_cache(maxsize=1)
def default_params() -> RumorParams:
    return load_params(PARAMS_PATH)

"""Rumor claims (谣言线索): the compact profile stored per claim, and the pure verbs over it.

The store fetches candidate claims by `candidate_keys(report)` (a multikey index on
`ClaimProfile.keys`), `assign` picks the claim the report belongs to (or none: a new
claim), and `absorb` folds the report into the chosen profile.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from libs.common.events import Reason
from services.rumor.clustering.facts import Facts, compare_facts, count_facts
from services.rumor.clustering.features import ReportFeatures, featurize, gazetteer_for
from services.rumor.params import RumorParams, default_params
from services.rumor.clustering.places import ClaimPlaces, compare_places, with_claim_city
from services.rumor.clustering.reports import RumorReport
from services.rumor.clustering.similarity import Vector, cosine, is_char_term, shared_terms, top_terms

_CLAIM_NS = uuid.UUID("0c6f2a51-7d4e-4b9a-8e0f-3a5d9c1b7e24")


class ClaimProfile(BaseModel):
    """Everything clustering needs to know about a claim; one MongoDB document."""

    model_config = ConfigDict(frozen=True)

    claim_id: str
    version: int = 0  # +1 on every absorb: the store can compare-and-set on it
    sample_texts: tuple[str, ...] = ()  # first report, then the latest ones: for operators
    centroid: Vector = {}  # sum of the reports' unit text vectors, heaviest terms only
    provinces: dict[str, int] = {}  # division code -> reports naming it
    cities: dict[str, int] = {}
    districts: dict[str, int] = {}
    sites: dict[str, int] = {}  # named sites below the county (南田小学 -> 南田)
    named_districts: dict[str, int] = {}  # districts the reports' own words name (places.Places)
    city_scope: int = 0  # reports whose words speak of the whole city (places.Places.city_scope)
    scope_word_reports: int = 0  # ... of them, those saying so in so many words (全市, 全城: Places.scope_words)
    district_only: int = 0  # reports whose words name a district and neither its city nor the whole city (places.Places.district_only)
    facts: dict[str, dict[str, int]] = {}  # kind of fact -> value -> reports stating it (facts.py)
    urls: tuple[str, ...] = ()  # normalized target URLs
    accounts: tuple[str, ...] = ()
    report_count: int = 0
    report_ids: tuple[str, ...] = ()
    first_seen: datetime
    last_seen: datetime
    recent_times: tuple[datetime, ...] = ()  # report times, for the alert window
    alerted_at: datetime | None = None
    keys: tuple[str, ...] = ()  # index keys: terms and URLs (see claim_keys)


class Assignment(BaseModel):
    """Where a report goes, with the reasons an operator can audit."""

    model_config = ConfigDict(frozen=True)

    claim_id: str | None  # None: the report starts a new claim
    score: float
    reasons: tuple[Reason, ...] = ()

    @property
    def is_new(self) -> bool:
        return self.claim_id is None


def claim_id_for(report: RumorReport) -> str:
    """A new claim's id derives from its first report, so a redelivered report makes the same id."""
    return "clm-" + uuid.uuid5(_CLAIM_NS, report.id).hex[:20]


def candidate_keys(report: RumorReport, params: RumorParams | None = None) -> list[str]:
    """Index keys to look up the claims this report may belong to."""
    params = params or default_params()
    features = featurize(report, params)
    return _keys(features.vector, features.urls, features.places.sites, params.text.query_key_terms)


def claim_keys(centroid: Vector, urls: Sequence[str], params: RumorParams, sites: Sequence[str] = ()) -> tuple[str, ...]:
    return tuple(_keys(centroid, urls, sites, params.text.index_key_terms))


def _keys(vector: Vector, urls: Sequence[str], sites: Sequence[str], k: int) -> list[str]:
    # Words and bigrams only: single characters are shared by too many claims to narrow a lookup.
    # Site names are blanked from the text (they say where), so they are keys of their own:
    # "明秀小学食堂出事了" may share nothing else with the claim about 明秀小学.
    indexable = {t: w for t, w in vector.items() if not is_char_term(t)}
    return ([f"term:{t}" for t in top_terms(indexable, k)] + [f"site:{s}" for s in sorted(sites)]
            + [f"url:{u}" for u in urls])


def is_live(profile: ClaimProfile, now: datetime, params: RumorParams | None = None) -> bool:
    """A claim idle for longer than the TTL is no longer a candidate (the store filters the same)."""
    params = params or default_params()
    return now - profile.last_seen <= timedelta(days=params.claims.ttl_days)


class CandidateScore(BaseModel):
    model_config = ConfigDict(frozen=True)
    claim: ClaimProfile
    total: float
    text: float
    same_url: bool
    reasons: tuple[Reason, ...]

    def eligible(self, params: RumorParams) -> bool:
        # Place agreement alone never makes two reports one claim: the texts must meet too,
        # unless both point at the same post.
        return self.total >= params.join.threshold and (self.same_url or self.text >= params.join.min_text)


def score(features: ReportFeatures, profile: ClaimProfile, params: RumorParams) -> CandidateScore:
    """Text cosine to the claim centroid, plus the URL bonus, plus place agreement or conflict."""
    text = cosine(features.vector, profile.centroid)
    reasons = [Reason(rule="rumor.text", detail=f"cosine {text:.3f} to {profile.claim_id}",
                      terms=shared_terms(features.vector, profile.centroid), score=round(text, 4))]
    total = text
    same_urls = sorted(set(features.urls) & set(profile.urls))
    if same_urls:
        total += params.join.url_bonus
        reasons.append(Reason(rule="rumor.url", detail="same target URL", terms=same_urls, score=params.join.url_bonus))
    claim_facts = _claim_facts(profile)
    fact_score, fact_reasons = compare_facts(features.facts, claim_facts, params.join)
    total += fact_score
    if features.landmark_terms and _happenings_differ(features.facts, claim_facts, fact_reasons):
        # Two happenings at one landmark (金湖广场 collapsed / caught fire) share its name, which
        # a landmark's stories keep in their text: the texts must meet on something else.
        without = cosine(_without(features.vector, features.landmark_terms),
                         _without(profile.centroid, features.landmark_terms))
        if without < text:
            reasons.append(Reason(rule="rumor.text_beside_landmark",
                                  detail=f"cosine {without:.3f} without the landmark's name: the happenings differ",
                                  terms=sorted(features.landmark_terms), score=round(without - text, 4)))
            total, text = total + without - text, without
    reasons += fact_reasons
    claim_places = ClaimPlaces(provinces=profile.provinces, cities=profile.cities,
                               districts=profile.districts, sites=profile.sites,
                               named_districts=profile.named_districts, city_scope=profile.city_scope,
                               scope_word_reports=profile.scope_word_reports,
                               district_only=profile.district_only,
                               report_count=profile.report_count)
    # A figure, day or line both state alike is evidence of one story whatever scope each
    # names: "南宁水费涨三倍？" retells "西乡塘区自来水费涨三倍".
    same_fact = any(r.rule.endswith("_agree") for r in fact_reasons)
    verdict = compare_places(features.places, claim_places, params.join, gazetteer_for(params.places),
                             text=features.text, same_fact=same_fact)
    return CandidateScore(claim=profile, total=total + verdict.score, text=text, same_url=bool(same_urls),
                          reasons=tuple(reasons) + verdict.reasons)


# What follows many happenings (a death, a closure, a rush to buy): a report telling only of it
# may retell any happening at the landmark.
_CONSEQUENCES = frozenset({"k:death", "k:suspend", "k:cancel", "k:ban", "k:hoarding"})


def _happenings_differ(facts: Facts, claim_facts: Mapping[str, Mapping[str, int]],
                       fact_reasons: Sequence[Reason]) -> bool:
    if not any(r.rule == "rumor.concept_conflict" for r in fact_reasons):
        return False
    own = set(facts.get("happening", ())) - _CONSEQUENCES
    theirs = set(claim_facts.get("happening", {})) - _CONSEQUENCES
    return bool(own) and bool(theirs)


def _without(vector: Mapping[str, float], drop: frozenset[str]) -> dict[str, float]:
    return {t: v for t, v in vector.items() if t not in drop}


def _claim_facts(profile: ClaimProfile) -> dict[str, dict[str, int]]:
    # A claim stored before facts were counted still has its happenings in the centroid.
    if profile.facts or not profile.report_count:
        return profile.facts
    return {"happening": {t: 1 for t in profile.centroid if t.startswith("k:")}}


def assign(report: RumorReport, candidates: Sequence[ClaimProfile], params: RumorParams | None = None) -> Assignment:
    """The best-scoring candidate claim if it clears the join rules, else a new claim."""
    params = params or default_params()
    for profile in candidates:
        if report.id in profile.report_ids:  # redelivered: it already belongs there
            return Assignment(claim_id=profile.claim_id, score=1.0,
                              reasons=(Reason(rule="rumor.duplicate", detail="report already in claim"),))
    features = featurize(report, params)
    scored = sorted((score(features, p, params) for p in candidates),
                    key=lambda s: (-s.total, -s.claim.last_seen.timestamp(), s.claim.claim_id))
    eligible = [s for s in scored if s.eligible(params)]
    if eligible:
        best = eligible[0]
        return Assignment(claim_id=best.claim.claim_id, score=round(best.total, 4), reasons=best.reasons)
    best_total = round(scored[0].total, 4) if scored else 0.0
    detail = f"best score {best_total} of {len(candidates)} candidates: no claim to join"
    return Assignment(claim_id=None, score=best_total, reasons=(Reason(rule="rumor.new_claim", detail=detail),))


def new_claim(report: RumorReport, params: RumorParams | None = None, *, claim_id: str | None = None) -> ClaimProfile:
    """A claim holding just this report."""
    empty = ClaimProfile(claim_id=claim_id or claim_id_for(report), version=-1,
                         first_seen=report.reported_at, last_seen=report.reported_at)
    return absorb(empty, report, params)


def absorb(profile: ClaimProfile, report: RumorReport, params: RumorParams | None = None) -> ClaimProfile:
    """The profile with one more report folded in; a report already in it changes nothing."""
    params = params or default_params()
    if report.id in profile.report_ids:
        return profile
    features = featurize(report, params)
    places = with_claim_city(features.places, profile.cities, gazetteer_for(params.places))
    cp = params.claims
    centroid = _add(profile.centroid, features.vector, params.text.max_profile_terms)
    urls = _bounded_union(profile.urls, features.urls, cp.max_urls)
    account = (report.target_account,) if report.target_account else ()
    return profile.model_copy(update={
        "version": profile.version + 1,
        "sample_texts": _samples(profile.sample_texts, report.text, cp.max_sample_texts),
        "centroid": centroid,
        "provinces": _count(profile.provinces, places.provinces),
        "cities": _count(profile.cities, places.cities),
        "districts": _count(profile.districts, places.districts),
        "sites": _count(profile.sites, places.sites),
        "named_districts": _count(profile.named_districts, places.named_districts),
        "city_scope": profile.city_scope + int(places.city_scope),
        "scope_word_reports": profile.scope_word_reports + int(bool(places.scope_words)),
        "district_only": profile.district_only + int(places.district_only),
        "facts": count_facts(profile.facts, features.facts),
        "urls": urls,
        "accounts": _bounded_union(profile.accounts, account, cp.max_urls),
        "report_count": profile.report_count + 1,
        "report_ids": (profile.report_ids + (report.id,))[-cp.max_report_ids:],
        "first_seen": min(profile.first_seen, report.reported_at),
        "last_seen": max(profile.last_seen, report.reported_at),
        "recent_times": tuple(sorted(profile.recent_times + (report.reported_at,)))[-cp.max_recent_times:],
        "keys": claim_keys(centroid, urls, params, sorted(_count(profile.sites, places.sites))[:cp.max_urls]),
    })


def mark_alerted(profile: ClaimProfile, at: datetime) -> ClaimProfile:
    """Record that the claim raised its 谣言预警, so the same window does not raise it twice."""
    return profile.model_copy(update={"alerted_at": at, "version": profile.version + 1})


def _add(centroid: Vector, vector: Vector, keep: int) -> Vector:
    total = dict(centroid)
    for term, weight in vector.items():
        total[term] = total.get(term, 0.0) + weight
    return {t: round(total[t], 6) for t in top_terms(total, keep)}


def _count(counts: dict[str, int], codes: Sequence[str]) -> dict[str, int]:
    out = dict(counts)
    for code in codes:
        out[code] = out.get(code, 0) + 1
    return out


def _bounded_union(have: Sequence[str], new: Sequence[str], limit: int) -> tuple[str, ...]:
    merged = list(have) + [x for x in new if x not in have]
    return tuple(merged[-limit:])


def _samples(samples: tuple[str, ...], text: str, limit: int) -> tuple[str, ...]:
    # The first report states the claim as it arrived; the latest show how it is mutating.
    if not samples:
        return (text,)
    return (samples[0],) + (samples[1:] + (text,))[-(limit - 1):] if limit > 1 else samples

"""A report reduced to what clustering compares: text vector, places and sites, target URLs."""
from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from services.rumor.clustering.facts import Facts, extract_facts
from services.rumor.clustering.gazetteer import Gazetteer, load_gazetteer
from services.rumor.clustering.normalize import blank, contrast_spans, handle_spans, normalize_text, normalize_url, quantity_spans
from services.rumor.params import RULES_DIR, PlaceParams, RumorParams
from services.rumor.clustering.places import Mention, Places, extract_places, with_site_district
from services.rumor.clustering.reports import RumorReport
from services.rumor.clustering.sites import Site, find_sites, numbered_hospitals, overlaps, sites_named_by_places
from services.rumor.clustering.townships import counties_of_sites, townships_told_near
from services.rumor.clustering.segmentation import segment
from services.rumor.clustering.similarity import Vector, idf_from_documents, quantity_terms, terms, vectorize


class ReportFeatures(BaseModel):
    model_config = ConfigDict(frozen=True)

    vector: Vector
    places: Places
    urls: tuple[str, ...]
    facts: Facts = {}  # line, day, object, happening (facts.py)
    text: str = ""  # normalized, for a claim's site named without its site word (翠湖新城被封了)
    landmark_terms: frozenset[str] = frozenset()  # the text terms that only say which landmark


def gazetteer_for(params: PlaceParams) -> Gazetteer:
    return load_gazetteer(params.max_common_word_freq, tuple(params.extra_stop_short_names))


def _prepare(text: str, params: PlaceParams, **context: str | None) -> tuple[str, Places, list[Mention], list[Site]]:
    """Normalized text without references to other rumors; its places, place mentions and sites."""
    norm = normalize_text(text)
    norm = blank(norm, contrast_spans(norm))
    gaz = gazetteer_for(params)
    places, mentions = extract_places(norm, gaz, words=segment(norm), **context)
    spans = [(m.start, m.end) for m in mentions]
    hospitals = numbered_hospitals(norm, spans)
    sites = hospitals + find_sites(norm, spans + [(h.start, h.end) for h in hospitals])
    sites += sites_named_by_places(norm, [(m.surface, m.start, m.end) for m in mentions if _below_county(m, gaz)])
    sites += _compounds_named_after_counties(norm, mentions, gaz, sites)
    taken = spans + [(s.start, s.end) for s in sites]
    sites += [Site(name, start, end, "township") for name, start, end in townships_told_near(norm, taken)]
    cities = set(places.cities)
    counties = counties_of_sites(((s.kind, s.name) for s in sites), lambda c: gaz.city_of(c) in cities)
    places = with_site_district(places, counties, gaz)
    return norm, places.model_copy(update={"sites": tuple(sorted({s.key for s in sites}))}), mentions, sites


def _below_county(mention: Mention, gaz: Gazetteer) -> bool:
    """A landmark, alias or former name (凤岭, 埌东), not a county's own name (良庆区医院 is no site)."""
    if mention.landmark:
        return True
    own = {gaz.label(c) for c in mention.codes}
    return not any(mention.surface == name or name.startswith(mention.surface) for name in own)


def _county_short_name(mention: Mention, gaz: Gazetteer) -> bool:
    return mention.weak_name and all(gaz.divisions[c].level == "county" for c in mention.codes)


def _compounds_named_after_counties(norm: str, mentions: list[Mention], gaz: Gazetteer,
                                    taken: list[Site]) -> list[Site]:
    """Compounds borrow far counties' short names (桃源小区 in 南宁 is no place in 湖南), so the
    whole is a site and 桃源小区 and 茶花园小区 are two claims. Only compounds: a school or market
    named after a county stands in it, and the county already tells such claims apart (the dev
    set's figures fall when schools are added here)."""
    short = [(m.surface, m.start, m.end) for m in mentions if not _below_county(m, gaz) and _county_short_name(m, gaz)]
    return [s for s in sites_named_by_places(norm, short)
            if s.kind == "residence" and not overlaps(s.start, s.end, [(t.start, t.end) for t in taken])]


def _content(norm: str, mentions: list[Mention], sites: list[Site]) -> str:
    # Place and site names say where, not what: 青秀区停水 and 青秀区自来水污染 must not look
    # alike because both say 青秀区. Places are compared separately (places.py). A landmark
    # (相思湖, 吴圩机场) stays: one site, not a district where many stories happen, and a
    # rumor told by its landmark is retold by it; it is part of what happened.
    spans = [(m.start, m.end) for m in mentions if not m.landmark] + [(s.start, s.start + len(s.name)) for s in sites]
    return blank(norm, spans + handle_spans(norm) + quantity_spans(norm))


def _quantities(norm: str) -> list[str]:
    # Kept apart from the words at a lower weight: one report quotes "72小时", another
    # "三天", a third no number at all; each must still meet the others on the words.
    return quantity_terms(norm[a:b] for a, b in quantity_spans(norm))


def content_text(text: str, place_params: PlaceParams | None = None) -> str:
    """Normalized text with its place and site names, handles and references to other rumors blanked."""
    norm, _, mentions, sites = _prepare(text, place_params or PlaceParams())
    return _content(norm, mentions, sites)


def places_of(text: str, place_params: PlaceParams | None = None, **context: str | None) -> Places:
    """The places a report's text names, with its context (location, account, region_code)."""
    return _prepare(text, place_params or PlaceParams(), **context)[1]


@lru_cache(maxsize=8)
def corpus_idf(power: float) -> tuple[dict[str, float], float]:
    """IDF from `rules/corpus.txt`: report-center texts written for this project (never the
    evaluation data), featurized exactly as reports are so the statistics match."""
    lines = (RULES_DIR / "corpus.txt").read_text(encoding="utf-8").splitlines()
    docs = (terms(content_text(line)) for line in lines if line.strip() and not line.startswith("#"))
    return idf_from_documents(docs, power)


@lru_cache(maxsize=2048)
def featurize(report: RumorReport, params: RumorParams) -> ReportFeatures:
    """Cached: keys, assign and absorb all featurize the same report (both models are frozen)."""
    norm, places, mentions, sites = _prepare(
        report.text, params.places, region_code=report.region_code,
        location=report.location and normalize_text(report.location),
        account=report.target_account and normalize_text(report.target_account),
    )
    tp = params.text
    quantities = _quantities(norm)
    features = terms(_content(norm, mentions, sites)) + quantities
    vector = vectorize(features, corpus_idf(tp.idf_power), word_weight=tp.word_weight,
                       bigram_weight=tp.bigram_weight, char_weight=tp.char_weight, concept_weight=tp.concept_weight,
                       quantity_weight=tp.quantity_weight)
    urls = tuple(sorted({u for u in map(normalize_url, report.target_urls) if u}))
    facts = extract_facts(norm, [t for t in features if t.startswith("k:")], quantities)
    landmark = frozenset(t for m in mentions if m.landmark for t in terms(m.surface) if not t.startswith("k:"))
    return ReportFeatures(vector=vector, places=places, urls=urls, facts=facts, text=norm, landmark_terms=landmark)

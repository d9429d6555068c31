"""Where a rumor is about: division mentions in a report, and how they compare with a claim's.

Same-topic rumors in two cities are two claims, so a city conflict is a strong separator;
a report that names no place can still join any claim.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from libs.common.events import Reason
from libs.common.places import Judged, leftmost_longest
from libs.common.places.roads import names_a_road
from services.rumor.clustering.gazetteer import Gazetteer
from services.rumor.clustering.townships import township_counties
from services.rumor.params import JoinParams
from services.rumor.clustering.segmentation import word_freq, word_tag


class Places(BaseModel):
    """Division codes a report names, at three levels (a county implies its city and province),
    and the names of sites below the county (sites.py)."""

    model_config = ConfigDict(frozen=True)
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    # Districts the report's own words name (text or account), not the reporter's address:
    # where the rumor says it happens. Two claims of one kind in two districts are two claims.
    named_districts: tuple[str, ...] = ()
    # The words speak of the whole city (全市, or the city named with no district): a district
    # named beside it is where the reporter stands, not where the rumor happens.
    city_scope: bool = False
    scope_words: tuple[str, ...] = ()  # 全市, 全城 ... as the text says them
    # Districts a short name in the words may be, when nothing in the report says which city
    # (兴宁: 南宁's 兴宁区 or 梅州's 兴宁市): the claim's city decides (with_claim_city).
    maybe_districts: tuple[str, ...] = ()
    # Cities the words name as such (常州 in "新北区…常州地铁塌方"): a district beside its own
    # city's name reads as where the reporter stands, not as a district's own story.
    named_cities: tuple[str, ...] = ()
    # A district the words name as where the reporter is (柳北这边, 我们青秀区): beside a
    # city-wide claim that is a reporter asking about it, not the district's own story.
    standing_district: bool = False
    # Counties holding a township of the name a report's only city comes from, when that city
    # rests on a bare short name (白山: 吉林's 白山市, or 马山县's 白山镇): beside a claim in a
    # city with such a township, the report is read there (with_claim_city).
    maybe_townships: tuple[str, ...] = ()

    @property
    def district_only(self) -> bool:
        """The words tell of one district alone (良庆区的公交停了), not of a city with a district in it."""
        return bool(self.named_districts) and not self.scope_words and not self.named_cities


CITY_SCOPE_WORDS = ("全市", "全城", "市区", "整个城市", "全省", "全国")


@dataclass(frozen=True)
class Mention:
    surface: str
    start: int
    end: int
    codes: tuple[str, ...]
    strong: bool  # stands on its own; weak mentions need a corroborating city or no rival
    weak_name: bool  # a short or two-character name, easily found inside ordinary words
    landmark: bool = False  # a well-known site (相思湖) standing for its county


def find_mentions(text: str, gaz: Gazetteer, words: Sequence[tuple[str, int]] = ()) -> list[Mention]:
    """Leftmost-longest division names in the text, minus street and landmark names.

    `words` (jieba tokens with offsets) let a short name that cuts a known word in two be
    dropped: 上高 in 分流上高中, 道真 in 知道真假.
    """
    assert gaz.index is not None

    def judge(start: int, end: int, surface: str) -> Judged[Mention]:
        mention = _mention(text, start, end, surface, gaz)
        if mention is None:
            return Judged(None, used=True)  # 西乡塘小学 is a school, not 西乡 county: the span stays used
        if mention.weak_name and _splits_known_word(start, end, words):
            return Judged(None, used=False)
        if _tail_of_a_landmark_name(mention, gaz, words):
            return Judged(None, used=True)
        return Judged(mention, used=True)
    return leftmost_longest(text, gaz.index, judge)


def _mention(text: str, start: int, end: int, surface: str, gaz: Gazetteer) -> Mention | None:
    hits = [h for h in gaz.names[surface] if h.code in gaz.divisions]
    if hits and all(h.landmark for h in hits):
        # 相思湖, 凤岭: a site's own name, in one county; no road or lake word unmakes it.
        codes = tuple(sorted({h.code for h in hits}))
        return Mention(surface, start, end, codes, strong=False, weak_name=len(surface) < 3, landmark=True)
    hits = [h for h in hits if not h.landmark]
    levels = {gaz.divisions[h.code].level for h in hits}
    if not levels:
        return None
    short = any(h.short for h in hits)
    if short and names_a_road(text[end:]):
        return None  # 中山路, 文昌西路: a street, not the division
    if short and levels == {"county"} and text.startswith(gaz.landmark_suffixes, end):
        return None  # 鱼峰山, 洪泽湖: a landmark that shares the name
    codes = tuple(sorted({h.code for h in hits}))
    strong = len(codes) == 1 and (not short or levels != {"county"})
    return Mention(surface, start, end, codes, strong, weak_name=short)


# Tags of a one-character word that can start a landmark's name (大, 金, 白), as opposed to a
# verb, preposition or particle before a place (去龙湖, 在龙湖, 的龙湖).
_NAME_START_TAGS = frozenset({"a", "ag", "an", "b", "n", "ng", "nr", "nrt", "nrfg", "ns", "nz", "nt", "j", "x"})


def _tail_of_a_landmark_name(mention: Mention, gaz: Gazetteer, words: Sequence[tuple[str, int]]) -> bool:
    """A county's short name shaped like a landmark (龙湖, 沙河: ending in a lake or river word)
    right after a character that starts a name (大龙湖, 白沙河) is the end of that landmark's
    longer name, a lake or river somewhere, not the district (汕头's 龙湖区)."""
    if mention.landmark or not mention.weak_name or not mention.surface.endswith(gaz.landmark_suffixes):
        return False
    if any(gaz.divisions[c].level != "county" for c in mention.codes):
        return False
    before = next((w for w, pos in words if pos + len(w) == mention.start), "")
    return len(before) == 1 and word_tag(before) in _NAME_START_TAGS


def _splits_known_word(start: int, end: int, words: Sequence[tuple[str, int]]) -> bool:
    for word, pos in words:
        inside = pos < start < pos + len(word) or pos < end < pos + len(word)
        if inside and len(word) >= 2 and word_freq(word) > 0:
            return True
    return False


def resolve(mentions: list[Mention], gaz: Gazetteer, region_code: str | None = None) -> Places:
    """Keep strong mentions; keep a weak one only where its city is corroborated, or uncontested."""
    strong = [c for m in mentions if m.strong for c in m.codes]
    if region_code and region_code[:6] in gaz.divisions:
        strong.append(region_code[:6])
    cities = {c for c in map(gaz.city_of, strong) if c}
    provinces = {p for p in map(gaz.province_of, strong) if p}
    kept = list(strong)
    for mention in (m for m in mentions if not m.strong):
        kept.extend(_corroborated(mention.codes, cities, provinces, gaz))
    return _places(kept, gaz)


def _corroborated(codes: tuple[str, ...], cities: set[str], provinces: set[str], gaz: Gazetteer) -> list[str]:
    in_cities = [c for c in codes if gaz.city_of(c) in cities]
    if in_cities or cities:
        return in_cities  # a rival city is named and this one is not: 南湖 in 南宁市青秀区南湖街道
    in_provinces = [c for c in codes if gaz.province_of(c) in provinces]
    if in_provinces or provinces:
        return in_provinces
    return list(codes) if len(codes) == 1 else []


def _places(codes: list[str], gaz: Gazetteer) -> Places:
    districts = {c for c in codes if gaz.divisions[c].level == "county"}
    cities = {c for c in map(gaz.city_of, codes) if c}
    provinces = {p for p in map(gaz.province_of, codes) if p}
    return Places(provinces=tuple(sorted(provinces)), cities=tuple(sorted(cities)), districts=tuple(sorted(districts)))


def extract_places(text: str, gaz: Gazetteer, *, words: Sequence[tuple[str, int]] = (), location: str | None = None,
                   account: str | None = None, region_code: str | None = None) -> tuple[Places, list[Mention]]:
    """Places of a report from its text, the target account and the reporter's address.

    Returns the places and the mentions found in `text` (so the caller can drop them from the
    text vector: place names say where, not what).
    """
    text_mentions = find_mentions(text, gaz, words)
    account_mentions = find_mentions(account, gaz) if account else []
    location_mentions = find_mentions(location, gaz) if location else []
    places = resolve(text_mentions + account_mentions + location_mentions, gaz, region_code)
    if len(places.cities) > 1:
        # A text naming one city tells of it wherever its reporter lives ("北海鲨鱼咬人" sent
        # from 南宁). "南宁刚辟谣, 柳州又在传": the text names several; the reporter's own city
        # says which one the report is about, when it is one of them.
        focus = set(resolve(text_mentions + account_mentions, gaz).cities) & set(places.cities)
        if len(focus) != 1:
            focus = set(resolve(location_mentions, gaz, region_code).cities) & set(places.cities)
        if len(focus) != 1:
            # Otherwise the city the text names most: "宿迁刚辟谣, 扬州又传…扬州古城…" is about 扬州.
            focus = _most_named(text_mentions + account_mentions, set(places.cities), gaz)
        if len(focus) == 1:
            places = _within(places, focus.pop(), gaz)
    # "钟楼这边家长群也在传": where the reporter hears it told, not where it happens.
    own = resolve([m for m in text_mentions if not _heard_in(text, m)] + account_mentions, gaz)
    named = tuple(d for d in own.districts if d in places.districts)
    scope_words = tuple(w for w in CITY_SCOPE_WORDS if w in text)
    city_scope = bool(scope_words) or bool(own.cities and not own.districts)
    maybe = () if own.districts else tuple(sorted({
        c for m in text_mentions + account_mentions if not m.strong and len(m.codes) > 1
        for c in m.codes if gaz.divisions[c].level == "county"}))
    spoken_cities = tuple(sorted({c for m in text_mentions + account_mentions if m.strong for c in m.codes
                                  if gaz.divisions[c].level == "city"}))
    standing = any(_stands_in(text, m) for m in text_mentions
                   if any(gaz.divisions[c].level == "county" for c in m.codes))
    update = {"named_districts": named, "city_scope": city_scope and not maybe, "scope_words": scope_words,
              "maybe_districts": maybe, "named_cities": spoken_cities, "standing_district": standing,
              "maybe_townships": _township_readings(text_mentions, places, gaz)}
    return places.model_copy(update=update), text_mentions


_HERE_AFTER = ("这边", "这里", "那边", "这块", "附近", "一带", "这头")
_HERE_BEFORE = ("我们", "我家", "我在", "咱们", "我住", "我这")


_HEARD_ALSO = re.compile(r"(?:区|县)?(?:这边|那边|这里|那里|这块)[^，。！？!?,;；]{0,6}?也在?(?:传|转)")


def _heard_in(text: str, mention: Mention) -> bool:
    return bool(_HEARD_ALSO.match(text, mention.end))


def _stands_in(text: str, mention: Mention) -> bool:
    rest = text[mention.end:]
    # 柳北区这边 as well as 柳北这边: the district word may sit between the name and 这边.
    rest = rest[1:] if rest[:1] in ("区", "县") else rest
    return rest.startswith(_HERE_AFTER) or text[:mention.start].endswith(_HERE_BEFORE)


def with_site_district(report: Places, counties: set[str], gaz: Gazetteer) -> Places:
    """The report placed in the one county its sites are in (吴圩镇 -> 江南区: townships.py),
    when its words name no district: the words then tell of that district, not the whole city."""
    if len(counties) != 1 or report.named_districts:
        return report
    county = next(iter(counties))
    return report.model_copy(update={
        "districts": tuple(sorted(set(report.districts) | counties)), "named_districts": (county,),
        "city_scope": bool(report.scope_words), "maybe_districts": ()})


def _township_readings(mentions: Sequence[Mention], places: Places, gaz: Gazetteer) -> tuple[str, ...]:
    weak = [m for m in mentions if m.weak_name and all(gaz.divisions[c].level == "city" for c in m.codes)]
    if not weak or set(places.cities) != {c for m in weak for c in m.codes}:
        return ()
    return tuple(sorted({county for m in weak for county in township_counties().get(m.surface, ())}))


def with_claim_city(report: Places, claim_cities: Mapping[str, int], gaz: Gazetteer) -> Places:
    """The report with its ambiguous district name read in the claim's city, when the name
    has exactly one district there: "兴宁这边停电" beside a 南宁 claim names 兴宁区; and a
    report placed only by a bare short city name that is also a township's of the claim's
    city (白山那边 beside a 南宁 claim: 马山县's 白山镇) read in that township's county."""
    if report.maybe_townships and not set(report.cities) & set(claim_cities):
        hits = [c for c in report.maybe_townships if gaz.city_of(c) in set(claim_cities)]
        if len(hits) == 1:
            county = hits[0]
            return report.model_copy(update={
                "cities": (gaz.city_of(county),), "provinces": (gaz.province_of(county),),
                "districts": (county,), "named_districts": (county,), "named_cities": (),
                "city_scope": bool(report.scope_words), "maybe_townships": ()})
    if not report.maybe_districts:
        return report
    cities = set(claim_cities)
    if report.cities:
        cities &= set(report.cities)
    hits = tuple(c for c in report.maybe_districts if gaz.city_of(c) in cities)
    if len(hits) != 1:
        return report
    city = gaz.city_of(hits[0])
    return report.model_copy(update={
        "districts": tuple(sorted(set(report.districts) | set(hits))), "named_districts": hits,
        "cities": tuple(sorted(set(report.cities) | {city})) if city else report.cities,
        "provinces": tuple(sorted(set(report.provinces) | {gaz.province_of(hits[0]) or ""} - {""})),
        "maybe_districts": ()})


def _most_named(mentions: list[Mention], cities: set[str], gaz: Gazetteer) -> set[str]:
    counts: dict[str, int] = {}
    for m in mentions:
        for city in {gaz.city_of(c) for c in m.codes} & cities:
            counts[city] = counts.get(city, 0) + 1
    top = max(counts.values(), default=0)
    return {c for c, n in counts.items() if n == top}


def _within(places: Places, city: str, gaz: Gazetteer) -> Places:
    return Places(
        provinces=tuple(p for p in places.provinces if p == gaz.province_of(city)),
        cities=(city,),
        districts=tuple(d for d in places.districts if gaz.city_of(d) == city),
    )


def dominant(counts: Mapping[str, int], share: float) -> set[str]:
    """Codes holding at least `share` of the top count: one stray mention does not define a claim."""
    top = max(counts.values(), default=0)
    return {code for code, n in counts.items() if n > 0 and n >= share * top}


@dataclass(frozen=True)
class PlaceVerdict:
    score: float
    reasons: tuple[Reason, ...]


class ClaimPlaces(BaseModel):
    """A claim's place counts: code (or site name) -> reports naming it."""

    model_config = ConfigDict(frozen=True)
    provinces: dict[str, int] = {}
    cities: dict[str, int] = {}
    districts: dict[str, int] = {}
    sites: dict[str, int] = {}
    named_districts: dict[str, int] = {}
    city_scope: int = 0  # reports whose words speak of the whole city
    scope_word_reports: int = 0  # ... saying so in so many words (全市, 全城: Places.scope_words)
    district_only: int = 0  # reports whose words tell of one district alone (Places.district_only)
    report_count: int = 0

    def holds(self, reports: int, share: float) -> bool:
        """At least `share` of the claim's reports are these `reports` (never true of an empty claim)."""
        return self.report_count > 0 and reports >= share * self.report_count


def compare_places(report: Places, claim: ClaimPlaces, params: JoinParams, gaz: Gazetteer,
                   text: str = "", same_fact: bool = False) -> PlaceVerdict:
    """Bonus when report and claim name the same city, district or site; penalty when cities differ."""
    report = with_claim_city(report, dominant(claim.cities, params.dominant_share), gaz)
    score, reasons = _compare_cities(report, claim.cities, claim.provinces, params, gaz)
    named = dominant(claim.named_districts, params.dominant_share)
    districts = dominant(claim.districts, params.dominant_share)
    # A district named beside words about the whole city, or in a claim most of whose reports
    # speak of the whole city, is where a reporter stands: no strong conflict then.
    claim_city_wide = claim.holds(claim.city_scope, params.city_scope_share)
    city_wide = bool(report.scope_words) or claim_city_wide
    if report.named_districts and named and not set(report.named_districts) & named:
        # The report's words and the claim's words put the happening in different districts:
        # a veto, softened to a moderate penalty where words about the whole city make one of
        # the districts possibly the reporter's own (which still costs: most such pairs are two stories).
        # A report telling of its own district alone (良庆区的公交停了: no city named, not where
        # the reporter stands) is that district's story, beside a claim told of the city.
        own_story = report.district_only and not report.standing_district
        penalty = (params.named_district_conflict_penalty if not city_wide
                   else params.district_in_city_claim_penalty if own_story else params.scope_conflict_penalty)
        score -= penalty
        reasons.append(_reason("rumor.place.named_district_conflict", set(report.named_districts) | named,
                               -penalty, gaz))
    elif _district_against_city_words(report, claim, named, params.city_scope_share):
        # The claim's reports say 全市/全城 outright, the report tells of one district alone:
        # a district's own story of the same kind (全市停水 vs 江南区停水), not a retelling.
        score -= params.city_words_conflict_penalty
        reasons.append(_reason("rumor.place.city_words_conflict", set(report.named_districts),
                               -params.city_words_conflict_penalty, gaz))
    elif not same_fact and _told_of_city_from_elsewhere(report, claim, named, params.city_scope_share):
        score -= params.district_in_city_claim_penalty
        reasons.append(_reason("rumor.place.scope_conflict", set(report.districts) | named,
                               -params.district_in_city_claim_penalty, gaz))
    elif not same_fact and (scope := _scope_conflict(report, claim, named, claim_city_wide, params.city_scope_share)):
        # One side tells of the whole city, the other of one district: most often two stories of
        # one kind (全市停课 vs 江南区停课); a moderate penalty, since a reporter may also name
        # the district they stand in (the texts decide then).
        penalty = params.scope_conflict_penalty if scope == "city_report" else params.district_in_city_claim_penalty
        score -= penalty
        reasons.append(_reason("rumor.place.scope_conflict", set(report.named_districts) | named, -penalty, gaz))
    elif report.districts and districts:
        agree = set(report.districts) & districts
        delta = params.district_agree_bonus if agree else -params.district_conflict_penalty
        score += delta
        rule = "rumor.place.district_agree" if agree else "rumor.place.district_conflict"
        reasons.append(_reason(rule, agree or set(report.districts) | districts, delta, gaz))
    site_score, site_reasons = compare_sites(report.sites, claim.sites, params, text)
    return PlaceVerdict(score + site_score, tuple(reasons + site_reasons))


def _district_against_city_words(report: Places, claim: ClaimPlaces, claim_named: set[str], share: float) -> bool:
    city_words = claim.holds(claim.scope_word_reports, share)
    return report.district_only and not report.standing_district and city_words and not claim_named


def _told_of_city_from_elsewhere(report: Places, claim: ClaimPlaces, claim_named: set[str], share: float) -> bool:
    # Words telling of the city, an address in another district than the one the claim's own
    # words tell of: the city's story, told by someone who does not live where the district's is.
    return (report.city_scope and not report.named_districts and bool(report.districts) and claim.holds(claim.district_only, share)
            and bool(claim_named) and not set(report.districts) & claim_named)


def _scope_conflict(report: Places, claim: ClaimPlaces, claim_named: set[str], claim_city_wide: bool,
                    share: float) -> str | None:
    """"city_report": a city-wide report beside a district's claim; "district_report": a district's
    own story beside a claim told of the city. A district told of beside its city's name
    ("扬州动物园的老虎在邗江出现") is a detail of a city story on either side, and a district
    the reporter stands in (我们青秀这边) is where they heard it: no conflict."""
    claim_district_only = claim.holds(claim.district_only, share)
    report_city_wide = report.city_scope and not report.named_districts
    if report_city_wide and claim_named and claim_district_only and not claim_city_wide:
        return "city_report"
    if report.district_only and not report.standing_district and claim_city_wide and not claim_named:
        return "district_report"
    return None


def compare_sites(mine: Sequence[str], claim_sites: Mapping[str, int], params: JoinParams,
                  text: str = "") -> tuple[float, list[Reason]]:
    """Sites (`kind:name`, sites.py) compared kind by kind. One name inside the other is one
    site (翠湖新城 and 翠湖新城小区, 南田 of 南田实验小学); a kind both name with no name in
    common is two places: the same rumor at two schools or two compounds is two claims.
    A claim's site named in the report's `text` without its site word (翠湖新城被封了) agrees."""
    theirs_by_kind: dict[str, dict[str, int]] = {}
    for key, n in claim_sites.items():
        kind, _, name = key.rpartition(":")
        theirs_by_kind.setdefault(kind or "site", {})[name] = n
    agree, conflict = set(), set()
    kinds = {key.rpartition(":")[0] or "site" for key in mine}
    for kind, names in theirs_by_kind.items():
        if kind not in kinds:
            agree |= {n for n in dominant(names, params.dominant_share) if len(n) >= 2 and n in text}
    for key in mine:
        kind, _, name = key.rpartition(":")
        theirs = dominant(theirs_by_kind.get(kind or "site", {}), params.dominant_share)
        if not theirs:
            continue
        same = {t for t in theirs if t in name or name in t}
        if same:
            agree |= {name} | same
        else:
            conflict |= {key} | {f"{kind}:{t}" for t in theirs}
    reasons, score = [], 0.0
    if agree:
        # One bonus however many sites agree; the texts must still agree (min_text).
        score += params.site_agree_bonus
        reasons.append(Reason(rule="rumor.place.site_agree", detail="、".join(sorted(agree)), terms=sorted(agree),
                              score=params.site_agree_bonus))
    elif conflict and params.site_conflict_penalty:
        score -= params.site_conflict_penalty
        names = sorted(conflict)
        reasons.append(Reason(rule="rumor.place.site_conflict", detail="、".join(names), terms=names,
                              score=-params.site_conflict_penalty))
    return score, reasons


def _compare_cities(report: Places, claim_cities: Mapping[str, int], claim_provinces: Mapping[str, int],
                    params: JoinParams, gaz: Gazetteer) -> tuple[float, list[Reason]]:
    score, reasons = 0.0, []
    cities = dominant(claim_cities, params.dominant_share)
    if report.cities and cities:
        # Share of the report's cities that the claim also names: 1 agrees, 0 conflicts, and a
        # report naming two cities half-conflicts with a claim that has one of them.
        agree = set(report.cities) & cities
        share = len(agree) / len(report.cities)
        delta = params.city_agree_bonus * share - params.city_conflict_penalty * (1 - share)
        score += delta
        rule = "rumor.place.city_agree" if share == 1 else "rumor.place.city_conflict"
        reasons.append(_reason(rule, agree if share == 1 else set(report.cities) | cities, delta, gaz))
    elif report.provinces and claim_provinces and not set(report.provinces) & set(claim_provinces):
        score -= params.province_conflict_penalty
        reasons.append(_reason("rumor.place.province_conflict", set(report.provinces), -params.province_conflict_penalty, gaz))
    return score, reasons


def _reason(rule: str, codes: set[str], score: float, gaz: Gazetteer) -> Reason:
    names = sorted(gaz.label(c) for c in codes)
    return Reason(rule=rule, detail="、".join(names), terms=names, score=round(score, 4))

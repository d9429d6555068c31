"""Issue 13, rumor round 7: classes of error read off our own tuning files (bench/tuning,
tests/unit/rumor/data), each pinned here with texts written for these tests.

- a school or compound named after its place (凤岭小学) is a site as well as a district;
- the same figure with its unit retold (涨三倍) is evidence of one story;
- "X这边…也在传" says where a reporter heard it, not where it happens;
- a bare short city name that is also a township of the claim's city (白山) is read there;
- a district's own story beside a claim told of the city is kept apart unless the texts agree.
"""
from __future__ import annotations

from services.rumor.clustering.claims import absorb, new_claim, score
from services.rumor.clustering.features import featurize, gazetteer_for, places_of
from services.rumor.clustering.places import with_claim_city
from services.rumor.clustering.similarity import quantity_terms

from .conftest import build_report, claims_of


def test_a_school_named_after_its_place_is_a_site(params):
    places = featurize(build_report("s", "凤岭小学门口有人拿糖骗小孩上车"), params).places
    assert "school:凤岭" in places.sites
    assert places.named_districts == ("450103",)  # 青秀区, the place name still says where


def test_a_county_name_before_a_site_word_is_not_a_site(params):
    assert places_of("良庆区医院门口排长队").sites == ()


def test_one_story_at_two_schools_named_after_places_of_one_district_is_two_claims(params):
    first, again, other = claims_of([
        "凤岭小学放学时有陌生人想抱走孩子，家长都吓坏了",
        "凤岭小学门口有人抢孩子？派出所来了没有",
        "埌东小学门口有陌生人拿糖把孩子骗走了，到现在没找到",
    ], params)
    assert first == again and other != first


def test_a_number_before_the_next_measure_is_read_without_it():
    assert "n:10元" in quantity_terms(["十块一"])  # 十块一吨: ten yuan a ton
    assert "n:4元" in quantity_terms(["4块5"])


def test_the_same_figure_retold_under_the_city_name_joins_the_district_story(params):
    claim = new_claim(build_report("a", "听说西乡塘区下个月起自来水费涨三倍，每吨十块，大家都在骂",
                                   location="南宁市西乡塘区"), params)
    report = build_report("b", "南宁水费要涨三倍？", minutes=10)
    reasons = score(featurize(report, params), claim, params).reasons
    assert any(r.rule == "rumor.fact.quantity_agree" and r.terms == ["3倍"] for r in reasons)


def test_a_different_figure_costs_nothing(params):
    claim = new_claim(build_report("a", "说兴宁区水费涨三倍，每吨十块"), params)
    report = build_report("b", "兴宁区水费要涨两倍？", minutes=10)
    assert not [r for r in score(featurize(report, params), claim, params).reasons
                if r.rule.startswith("rumor.fact.quantity")]


def test_where_a_reporter_hears_it_told_is_not_where_it_happens(params):
    heard = places_of("要停课一周是真的吗？钟楼这边家长群也在传")
    happens = places_of("钟楼区明天停课一周")
    assert heard.named_districts == () and happens.named_districts


def test_a_bare_short_city_name_is_read_as_a_township_of_the_claims_city(params):
    gaz = gazetteer_for(params.places)
    report = places_of("白山那边房子都震裂了")
    assert report.cities == ("220600",)  # 白山市 alone, with nothing else to go on
    nanning = with_claim_city(report, {"450100": 3}, gaz)
    assert nanning.cities == ("450100",) and nanning.districts == ("450124",)  # 马山县, home of 白山镇
    elsewhere = with_claim_city(report, {"320100": 3}, gaz)  # 南京 has no 白山 township
    assert elsewhere.cities == ("220600",)


def test_a_districts_own_story_stays_apart_from_a_claim_told_of_the_city(params):
    city, again, district = claims_of([
        "南宁公交明天全部停运，说是要换新的收费系统",
        "南宁公交要停运？明天上班怎么办",
        "良庆区的公交司机明天罢工，那几条线都不开了",
    ], params)
    assert city == again and district != city


def test_a_reporter_standing_in_a_district_still_joins_the_claim_told_of_the_city(params):
    city, again, standing = claims_of([
        "南宁公交明天全部停运，说是要换新的收费系统",
        "南宁公交要停运？明天上班怎么办",
        "我们良庆这边也说明天公交全部停运，要换收费系统",
    ], params)
    assert city == again == standing


def test_cause_and_consequence_of_one_event_are_no_concept_conflict(params):
    claim = new_claim(build_report("a", "泗阳运河大堤决口了，水漫进村子，赶紧往县城跑"), params)
    report = build_report("b", "泗阳好多房子都塌了，人都往县城跑", minutes=10)
    rules = {r.rule for r in score(featurize(report, params), claim, params).reasons}
    assert "rumor.concept_conflict" not in rules


def test_unrelated_happenings_still_conflict(params):
    claim = new_claim(build_report("a", "泗阳运河大堤决口了，水漫进村子"), params)
    report = build_report("b", "泗阳那边好多人食物中毒进了医院", minutes=10)
    rules = {r.rule for r in score(featurize(report, params), claim, params).reasons}
    assert "rumor.concept_conflict" in rules


def test_the_city_told_of_from_another_districts_address_costs_against_a_districts_story(params):
    claim = None
    for i, (text, location) in enumerate([("青秀区明天停水一整天，说是要检修管道", "南宁市青秀区"),
                                          ("青秀区停水一整天？我们要不要存水", None)]):
        report = build_report(f"d{i}", text, location=location, minutes=i)
        claim = new_claim(report, params) if claim is None else absorb(claim, report, params)

    def scope_penalty(location: str | None) -> float:
        report = build_report("c", "听说南宁要停水，水务公司发通知了没有", location=location, minutes=10)
        return sum(r.score or 0 for r in score(featurize(report, params), claim, params).reasons
                   if r.rule == "rumor.place.scope_conflict")

    assert scope_penalty("南宁市兴宁区") == -params.join.district_in_city_claim_penalty
    assert scope_penalty("南宁市青秀区") == 0 and scope_penalty(None) == 0


def test_a_townships_reservoir_is_the_townships_site_and_two_townships_are_two_claims(params):
    assert places_of("横州云表镇水库要决堤？？").sites == ("township:云表",)
    first, again, other = claims_of([
        "校椅镇上游水库崩堤了，水马上到街上，住一楼的赶紧往高处走",
        "校椅那边水库决堤是真的吗？亲戚电话都打不通",
        "横州云表镇水库要决堤？？有冇人知道",
    ], params, ["南宁市横州市", None, None])
    assert first == again and other != first


def test_a_one_character_name_before_two_site_words_keeps_the_first_site_word():
    assert places_of("茶花园小区要整体拆迁了").sites == ("residence:茶花园",)
    assert places_of("锦绣花园小区停水").sites == ("residence:锦绣",)


def test_colloquial_words_name_the_same_happening(params):
    for a, b in [("青秀区12号要停电一天", "12号青秀区没电一整天？"), ("动物园老虎跑出来了", "动物园说没有动物逃逸"),
                 ("水库要决堤了", "水库今晚可能崩堤")]:
        fa, fb = (featurize(build_report(t, t), params).facts.get("happening", ()) for t in (a, b))
        assert set(fa) & set(fb), (a, b)

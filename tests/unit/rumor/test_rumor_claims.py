"""The claim profile as the store sees it: serializable, indexable, idempotent, tunable."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.rumor.alerts import should_alert
from services.rumor.clustering.claims import (
    ClaimProfile, absorb, assign, candidate_keys, claim_id_for, mark_alerted, new_claim,
)
from services.rumor.clustering.in_memory import cluster_reports
from services.rumor.params import load_params

from .conftest import build_report


def test_profile_round_trips_through_json_for_the_store(make_report, params):
    profile = new_claim(make_report("群里说桂林米粉加了致癌防腐剂", location="桂林市七星区",
                                    url="https://v.douyin.com/iGm6Rf2D/"), params)
    stored = ClaimProfile.model_validate_json(profile.model_dump_json())
    assert stored == profile
    assert "450300" in stored.cities and stored.urls == ("v.douyin.com/iGm6Rf2D",)


def test_absorb_counts_the_report_and_refreshes_keys(make_report, params):
    first = make_report("柳州公交司机明天集体罢工，全市公交停运", location="柳州市城中区")
    second = make_report("柳州公交罢工？公交公司什么通知都没有", url="https://v.kuaishou.com/Bz4Gh6")
    profile = absorb(new_claim(first, params), second, params)
    assert profile.report_count == 2 and profile.version == 1
    assert profile.first_seen == first.reported_at and profile.last_seen == second.reported_at
    assert "url:v.kuaishou.com/Bz4Gh6" in profile.keys
    assert set(candidate_keys(second, params)) & set(profile.keys)
    assert profile.sample_texts == (first.text, second.text)


def test_claim_id_is_derived_from_the_first_report(make_report):
    report = make_report("微信下个月开始收费")
    assert claim_id_for(report) == claim_id_for(report.model_copy()) != claim_id_for(make_report("微信下个月开始收费"))


def test_claim_that_alerted_is_not_alerted_again_in_the_same_window(make_report, params):
    reports = [make_report("柳州公交司机罢工全市公交停运", minutes=m) for m in range(0, 50, 10)]
    profile = new_claim(reports[0], params)
    for report in reports[1:]:
        profile = absorb(profile, report, params)
    now = reports[-1].reported_at
    assert should_alert(profile.recent_times, now, params.alert, last_alerted_at=profile.alerted_at)
    profile = mark_alerted(profile, now)
    assert not should_alert(profile.recent_times, now, params.alert, last_alerted_at=profile.alerted_at)


def test_params_file_rejects_unknown_keys(tmp_path):
    bad = tmp_path / "params.yaml"
    bad.write_text("join:\n  treshold: 0.2\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        load_params(bad)


def test_params_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("alert:\n  min_reports: 20\n", encoding="utf-8")
    loaded = load_params(path)
    assert loaded.alert.min_reports == 20 and loaded.join.threshold > 0


chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF) | st.sampled_from("，。？！ 市区县@"),
                  max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(chinese, st.sampled_from([None, "南宁市青秀区", "柳州市", "宿迁市沭阳县"]),
                          st.sampled_from([None, "https://v.douyin.com/a1/", "https://weibo.com/1/x"])),
                max_size=12))
def test_every_report_lands_in_exactly_one_claim(params, rows):
    reports = [build_report(f"p-{i}", text, location=loc, url=url, minutes=i) for i, (text, loc, url) in enumerate(rows)]
    results = list(cluster_reports(reports, params))
    assert sorted(r.id for r, _, _ in results) == sorted(r.id for r in reports)
    counts: dict[str, int] = {}
    for _, decision, profile in results:
        counts[profile.claim_id] = max(counts.get(profile.claim_id, 0), profile.report_count)
        assert decision.is_new == (profile.report_count == 1)
    assert sum(counts.values()) == len(reports)


@settings(max_examples=40, deadline=None)
@given(chinese, chinese)
def test_assign_only_ever_names_a_candidate(params, a, b):
    claim = new_claim(build_report("c", a), params)
    decision = assign(build_report("r", b, minutes=1), [claim], params)
    assert decision.claim_id in (None, claim.claim_id)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=120))
def test_profile_keys_are_safe_as_mongodb_field_names(params, text):
    profile = new_claim(build_report("m", text, location="南宁市青秀区"), params)
    for mapping in (profile.centroid, profile.cities, profile.districts, profile.provinces, profile.sites):
        assert all("." not in key and not key.startswith("$") and "\x00" not in key for key in mapping)


def test_one_kind_of_rumor_in_two_districts_named_in_the_words_is_two_claims(params):
    reports = [build_report("a", "群里说青秀区明天停水一整天，让大家赶紧接水"),
               build_report("b", "青秀区停水一天是真的吗", minutes=20),
               build_report("c", "江南区下周要停水三天，物业群里发的通知", minutes=40),
               build_report("d", "江南区停水三天？我们小区没收到通知", minutes=60)]
    claims = {r.id: p.claim_id for r, _, p in cluster_reports(reports, params)}
    assert claims["a"] == claims["b"] and claims["c"] == claims["d"] and claims["a"] != claims["c"]


def test_a_district_named_beside_a_city_wide_claim_is_where_the_reporter_stands(params):
    reports = [build_report("a", "常州地铁1号线说是隧道塌方，明天起停运，群里都在传"),
               build_report("b", "常州地铁停运？谁编的，我今天还坐了", minutes=10),
               build_report("c", "新北区地铁站门口有人说常州地铁塌方全线停运了，可地铁还在正常运营", minutes=30)]
    claims = {r.id: p.claim_id for r, _, p in cluster_reports(reports, params)}
    assert claims["a"] == claims["b"] == claims["c"]


def _with_scope_penalty(params, penalty):
    return params.model_copy(update={"join": params.join.model_copy(update={"scope_conflict_penalty": penalty})})


def test_a_city_wide_story_and_one_districts_story_of_one_kind_are_two_claims_under_a_scope_penalty(params):
    reports = [build_report("a", "良庆区的公交司机明天罢工，良庆那几条线路都不开了"),
               build_report("b", "良庆区公交罢工停开是真的吗", minutes=20),
               build_report("c", "南宁全市公交司机明天罢工，所有公交线路都停运", minutes=40),
               build_report("d", "全市公交明天都停运？公交集团说罢工是谣言", minutes=60)]
    scoped = {r.id: p.claim_id for r, _, p in cluster_reports(reports, _with_scope_penalty(params, 0.6))}
    assert scoped["a"] == scoped["b"] and scoped["c"] == scoped["d"] and scoped["a"] != scoped["c"]


def test_a_district_beside_its_citys_name_still_joins_a_city_wide_claim_under_a_scope_penalty(params):
    reports = [build_report("a", "常州地铁1号线说是隧道塌方，明天起停运，群里都在传"),
               build_report("b", "常州地铁停运？谁编的，我今天还坐了", minutes=10),
               build_report("c", "新北区地铁站门口有人说常州地铁塌方全线停运了，可地铁还在正常运营", minutes=30)]
    claims = {r.id: p.claim_id for r, _, p in cluster_reports(reports, _with_scope_penalty(params, 0.6))}
    assert claims["a"] == claims["b"] == claims["c"]

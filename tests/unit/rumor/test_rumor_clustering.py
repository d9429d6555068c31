"""Behaviour of incremental claim clustering: who joins whom, and why."""
from __future__ import annotations

from datetime import timedelta

from services.rumor.clustering.claims import assign, candidate_keys, new_claim
from services.rumor.clustering.in_memory import ClaimIndex, cluster_reports, place_report


def claims_of(reports, params) -> list[str]:
    return [profile.claim_id for _, _, profile in cluster_reports(reports, params)]


def test_paraphrased_reports_of_one_rumor_join_one_claim(make_report, params):
    reports = [
        make_report("群里说柳州公交司机明天集体罢工，全市公交停运，让大家提前安排出行，这是真的吗", location="柳州市城中区"),
        make_report("柳州公交罢工？？我每天坐公交上班，公交公司什么通知都没有"),
        make_report("柳北这边公交站好多人在问明天公交是不是停运，说司机罢工，请公交集团辟谣", location="柳州市柳北区"),
    ]
    assert len(set(claims_of(reports, params))) == 1


def test_same_rumor_in_two_cities_are_two_claims(make_report, params):
    reports = [
        make_report("群里说南宁地铁2号线隧道塌方了，明天开始全线停运，是真的吗", location="南宁市西乡塘区"),
        make_report("常州地铁1号线说是隧道塌方，明天起停运，武进这边群里都在传，请核实", location="常州市武进区"),
        make_report("南宁地铁二号线塌方停运？我刚坐过来好好的"),
        make_report("常州地铁停运？隧道塌方？谁编的，我今天还坐了"),
    ]
    nanning_a, changzhou_a, nanning_b, changzhou_b = claims_of(reports, params)
    assert nanning_a == nanning_b
    assert changzhou_a == changzhou_b
    assert nanning_a != changzhou_a


def test_report_without_place_joins_the_claim_it_repeats(make_report, params):
    reports = [
        make_report("群里说扬州瘦西湖门票下个月涨到三百块，本地人也不免费了，是真的吗", location="扬州市邗江区"),
        make_report("瘦西湖门票要涨到三百？本地人年卡也取消？抢钱啊"),
    ]
    first, second = claims_of(reports, params)
    assert first == second


def test_same_target_url_joins_even_when_wording_differs(make_report, params):
    url = "https://v.douyin.com/iAb3Cd4E/"
    reports = [
        make_report("抖音有人发视频说宿迁白酒厂要被外资收购，几千工人要下岗，请核实", url=url),
        make_report("这个视频谁发的？赶紧处理，评论区都吵起来了", url=url + "?share_token=xyz"),
    ]
    first, second = claims_of(reports, params)
    assert first == second


def test_different_rumors_about_one_site_stay_apart(make_report, params):
    reports = [
        make_report("群里说骆马湖边连着发现了三具尸体，有连环杀人犯，晚上别去湖边", location="宿迁市宿豫区"),
        make_report("骆马湖连环杀人案？派出所说根本没有这回事，谁编的这么吓人"),
        make_report("不是湖边死人那条，是说骆马湖的水被化工厂污染了，大家别再喝自来水了", location="宿迁市宿城区"),
    ]
    body_a, body_b, pollution = claims_of(reports, params)
    assert body_a == body_b
    assert pollution != body_a


def test_traditional_and_cantonese_report_joins_mandarin_claim(make_report, params):
    reports = [
        make_report("群里说南宁东站下个月起封闭改造半年，所有高铁改到南宁站，是真的吗", location="南宁市西乡塘区"),
        make_report("南寧東站封站半年？啲高鐵點算？係咪真㗎"),
    ]
    first, second = claims_of(reports, params)
    assert first == second


def test_reporter_city_decides_a_report_naming_two_cities(make_report, params):
    reports = [
        make_report("家长群里都在传南宁明年取消中考，初中直接升高中，这消息靠谱吗", location="南宁市江南区"),
        make_report("南宁刚辟谣取消中考，现在又有人说柳州明年也取消中考了，请核实", location="柳州市城中区"),
    ]
    nanning, liuzhou = claims_of(reports, params)
    assert nanning != liuzhou


def test_unrelated_rumors_in_one_city_are_two_claims(make_report, params):
    reports = [
        make_report("西乡塘区下个月起自来水费涨三倍，每吨要十块，是真的吗", location="南宁市西乡塘区"),
        make_report("西乡塘区一所小学门口有人持刀砍学生，群里说伤了好几个孩子", location="南宁市西乡塘区"),
    ]
    first, second = claims_of(reports, params)
    assert first != second


def test_redelivered_report_is_absorbed_once(make_report, params):
    report = make_report("群里说桂林米粉里加了致癌的防腐剂，吃多了会得癌症", location="桂林市七星区")
    index = ClaimIndex()
    _, profile = place_report(report, [], params)
    index.put(profile)
    decision, again = place_report(report, index.candidates(candidate_keys(report, params)), params)
    assert decision.claim_id == profile.claim_id
    assert again.report_count == 1


def test_assignment_explains_text_place_and_url_reasons(make_report, params):
    url = "https://weibo.com/2298465571/Qf6cZt1Nw"
    claim = new_claim(make_report("常州公交明天停运？群里说司机罢工要涨工资", location="常州市钟楼区", url=url), params)
    decision = assign(make_report("常州公交司机集体罢工，全市停运，请核实", url=url), [claim], params)
    rules = {reason.rule for reason in decision.reasons}
    assert decision.claim_id == claim.claim_id
    assert {"rumor.text", "rumor.url", "rumor.place.city_agree"} <= rules
    text = next(r for r in decision.reasons if r.rule == "rumor.text")
    assert "罢工" in text.terms


def test_new_claim_reason_says_why(make_report, params):
    decision = assign(make_report("网上说明年起老身份证全部作废，要花两百块换新版"), [], params)
    assert decision.is_new
    assert decision.reasons[0].rule == "rumor.new_claim"


def test_stale_claim_is_not_a_candidate(make_report, params):
    old = make_report("柳州公交司机集体罢工，全市公交停运", location="柳州市城中区")
    claim = new_claim(old, params)
    months_later = make_report("柳州公交司机罢工全市停运？", minutes=(params.claims.ttl_days + 1) * 24 * 60)
    decision, profile = place_report(months_later, [claim], params)
    assert decision.is_new
    assert profile.claim_id != claim.claim_id
    assert months_later.reported_at - old.reported_at > timedelta(days=params.claims.ttl_days)


def test_reports_are_processed_in_reported_at_order(make_report, params):
    later = make_report("瘦西湖门票三百？？抢钱啊", minutes=60)
    earlier = make_report("群里说扬州瘦西湖门票涨到三百块，是真的吗", location="扬州市邗江区", minutes=0)
    order = [report.id for report, _, _ in cluster_reports([later, earlier], params)]
    assert order == [earlier.id, later.id]


def test_a_report_quoting_the_numbers_joins_one_that_quotes_none(make_report, params):
    reports = [
        make_report("群里说南宁下个月起燃气费涨价百分之五十，每方涨到4块5，大家赶紧去充值", location="南宁市青秀区"),
        make_report("南宁燃气要涨价？燃气公司没发通知啊，是不是谣言"),
    ]
    first, second = claims_of(reports, params)
    assert first == second


def test_the_same_number_written_two_ways_counts_as_one(make_report, params):
    from services.rumor.clustering.similarity import quantity_terms

    assert set(quantity_terms(["三百块"])) == set(quantity_terms(["300元"]))
    assert "n:300" in quantity_terms(["三百"])

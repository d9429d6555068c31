"""Two rumors about one place are two claims when they name different happenings (中毒 vs
体罚, 溃坝 vs 地震); retellings of one happening in other words still meet. (Texts written for
these tests; the shared dev data is evaluation only.)"""
from __future__ import annotations

from services.rumor.clustering.claims import new_claim, score
from services.rumor.clustering.features import featurize

from .conftest import build_report, claims_of


def test_a_different_happening_at_the_same_school_starts_its_own_claim(params):
    claims = claims_of([
        "青秀区某小学食堂饭菜有问题，好多学生食物中毒送医院了",
        "听说青秀区那个小学一堆学生吃了食堂上吐下泻，是不是中毒",
        "青秀区某小学老师体罚学生，罚跪一个小时还打耳光",
    ], params, "南宁市青秀区")
    assert claims[0] == claims[1] != claims[2]


def test_retellings_of_one_happening_in_other_words_still_join(params):
    claims = claims_of([
        "网传邕宁区那座水库溃坝了，下游村子都被淹了",
        "邕宁区水库决堤，下游的村都淹了赶紧跑",
    ], params, "南宁市邕宁区")
    assert claims[0] == claims[1]


def test_the_conflict_is_a_reason_the_operator_can_read_and_costs_the_configured_penalty(params):
    claim = new_claim(build_report("r-1", "青秀区某小学好多学生食物中毒送医院", location="南宁市青秀区"), params)
    report = build_report("r-2", "青秀区某小学老师体罚学生罚跪", location="南宁市青秀区", minutes=10)
    on = score(featurize(report, params), claim, params)
    off_params = params.model_copy(update={"join": params.join.model_copy(update={"concept_conflict_penalty": 0.0})})
    off = score(featurize(report, off_params), claim, off_params)
    [reason] = [r for r in on.reasons if r.rule == "rumor.concept_conflict"]
    assert reason.score == -params.join.concept_conflict_penalty and {"k:poisoning", "k:violence"} <= set(reason.terms)
    assert round(off.total - on.total, 6) == params.join.concept_conflict_penalty


def test_a_crack_told_colloquially_or_a_fire_told_in_traditional_characters_names_its_happening(params):
    # bench/tuning5: 裂了条大缝 named no happening and 火燒 no fire, so their retellings met on
    # nothing but the place
    for text, concept in (("外沙大桥裂了条大缝，今天要封桥", "k:collapse"), ("老桥裂开了，过桥的绕路", "k:collapse"),
                          ("金湖廣場火燒好犀利", "k:fire"), ("商场里浓烟好大，消防车都来了", "k:fire"),
                          ("地铁站里一股煤气味", "k:gas_leak"), ("站台有毒气体泄漏", "k:gas_leak"),
                          ("面包车在学校门口抓小孩", "k:abduction"), ("有人想把孩子抱上车", "k:abduction")):
        assert concept in featurize(build_report("r", text), params).facts.get("happening", ()), text


def test_two_happenings_at_one_landmark_are_two_claims_though_both_name_it(params):
    # bench/tuning5 and tuning6: 朝阳广场站's gas leak and a stabbing there met on the
    # landmark's name alone, which a landmark's stories keep in their text
    leak, again, stabbing = claims_of([
        "朝阳广场站地铁里毒气泄漏，好多乘客晕倒被抬出来了",
        "听说朝阳广场地铁站有毒气体泄漏？救护车来了好几辆",
        "朝阳广场地铁站有个男的拿刀砍人，地上全是血",
    ], params)
    assert leak == again != stabbing


def test_a_closure_at_a_landmark_still_retells_what_happened_there(params):
    # A closure follows many happenings: telling only of it says nothing against the fire
    fire, closed = claims_of(["朝阳广场站着火了，浓烟从出口冒出来", "朝阳广场地铁站着火？站已经封闭了，别过去"], params)
    assert fire == closed


def test_the_landmark_left_out_of_the_texts_is_a_reason_the_operator_can_read(params):
    claim = new_claim(build_report("r-1", "朝阳广场站地铁里毒气泄漏，好多乘客晕倒", location="南宁市"), params)
    report = build_report("r-2", "朝阳广场地铁站有个男的拿刀砍人", location="南宁市", minutes=10)
    reasons = {r.rule: r for r in score(featurize(report, params), claim, params).reasons}
    beside = reasons["rumor.text_beside_landmark"]
    assert beside.score < 0 and any("朝阳" in term for term in beside.terms)


def test_a_rebuttal_saying_how_the_rumor_was_made_still_answers_it(params):
    # bench/tuning6: "那张图是P的" and "旧视频" name no happening of their own, so they are no
    # conflict with the closure or the shark bite the rumor tells
    closed, rebuttal = claims_of(["6月17日起全市停课一周，通知上还盖了教育局的章",
                                  "教育局说了：6月17日全市正常上课，不存在停课一周，那张盖章的通知是P的"], params, "南宁市")
    assert closed == rebuttal
    facts = featurize(build_report("r", "网传视频是国外海滩的旧视频，那张图是P的"), params).facts
    assert "happening" not in facts

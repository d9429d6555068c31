"""The decision: always made, always explained, never an exception."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from libs.common.vocabulary import CATEGORIES, SEVERITIES, ZONES
from services.triage.decide import triage

from .conftest import make_report


def test_every_decision_carries_reasons_and_scores(rules):
    decision = triage(make_report("有人在群里组织网络赌博，群主按局抽水"), rules)
    assert decision.reasons and decision.scores
    assert {"model.category", "severity.base"} <= {r.rule for r in decision.reasons}
    assert abs(sum(v for k, v in decision.scores.items() if k.startswith("category:")) - 1) < 0.01


def test_the_decision_is_deterministic(rules):
    report = make_report("有人冒充客服骗我转账五千元")
    assert triage(report, rules) == triage(report, rules)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_triage_never_raises_on_arbitrary_unicode_text(rules, text):
    decision = triage(make_report(text), rules)
    assert decision.category in CATEGORIES
    assert decision.zone is None or decision.zone in ZONES
    assert decision.severity in SEVERITIES
    assert decision.valid or decision.invalid_reason


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=200),
       account=st.one_of(st.none(), st.text(max_size=40)))
def test_triage_never_raises_on_random_chinese_with_any_account(rules, text, account):
    triage(make_report(text, target_account=account), rules)


def test_a_very_long_report_is_judged_quickly(rules):
    import time

    text = "群里有人天天发赌博网站链接，说现在充值送彩金，明天还要组织大家去下注。" * 550  # about the longest text an event may carry (20,000)
    started = time.perf_counter()
    triage(make_report(text), rules)
    assert time.perf_counter() - started < 2.0

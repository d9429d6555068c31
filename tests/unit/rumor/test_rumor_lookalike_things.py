"""Look-alike rumors in one city about different things of one kind (rules/objects.yaml): two
animals, two diseases, two benefits, two fuels. The same rumor retold, naming the thing in
other words or not at all, still joins. (Texts written for these tests.)"""
from __future__ import annotations

from services.rumor.clustering.facts import extract_facts

from .conftest import claims_of


def test_two_animals_escaped_from_one_zoo_are_two_claims(params):
    tiger, bear, tiger_again = claims_of([
        "动物园一只老虎跑出来了，附近小区都不让下楼",
        "动物园黑熊逃出笼子了，游客都被疏散了",
        "听说动物园的华南虎跑了？现在抓到没有",
    ], params, "南宁市")
    assert tiger == tiger_again and tiger != bear


def test_school_closures_for_two_diseases_are_two_claims(params):
    flu, noro = claims_of([
        "南宁好多学校因为甲流要停课一周，家长群都在转",
        "南宁的学校诺如病毒传开了，要全部停课吗",
    ], params, "南宁市")
    assert flu != noro


def test_cuts_to_two_benefits_are_two_claims_and_a_retelling_joins(params):
    pension, fund, pension_again = claims_of([
        "下个月起退休金要取消发放了，群里都在说",
        "下个月起公积金要取消提取了，群里都在说",
        "养老金取消发放是真的假的？老人们都很慌",
    ], params, "南宁市")
    assert pension == pension_again and pension != fund


def test_a_report_naming_no_animal_still_joins_the_zoo_escape(params):
    tiger, vague = claims_of([
        "动物园老虎跑出来了，大家别去那边",
        "动物园有猛兽跑出来了？大家别去那边",
    ], params, "南宁市")
    assert tiger == vague


def test_fuel_kinds_are_told_apart():
    assert extract_facts("明天汽油每升涨五毛", [])["object:fuel"] == ("petrol",)
    assert extract_facts("柴油要限购了", [])["object:fuel"] == ("diesel",)

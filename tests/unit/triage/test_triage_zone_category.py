"""A zone that names the kind of harm settles the category (classifier.yaml zone_category)."""
from services.triage.decide import triage

from .conftest import make_report


def test_a_false_claim_against_our_shop_is_infringement_even_when_it_reads_like_a_rumor(rules):
    decision = triage(make_report("有人造谣说我们超市卖的猪肉是病死猪，还发了我们门店的照片，我们有检疫证明"), rules)
    assert (decision.category, decision.zone) == ("infringement", "enterprise_infringement")


def test_organized_abuse_of_a_person_is_infringement_with_the_cyberbullying_zone(rules):
    decision = triage(make_report("有人在群里发起人肉一个司机，把他的电话和家庭住址都公开了，几千人打电话骂他"), rules)
    assert (decision.category, decision.zone) == ("infringement", "cyberbullying")
    assert decision.severity == "important"


def test_a_threat_with_a_weapon_stays_violent_whatever_the_zone(rules):
    decision = triage(make_report("有人在群里骂那个博主，还说明天带刀去她公司门口砍她"), rules)
    assert (decision.category, decision.severity) == ("terror_violence", "major")

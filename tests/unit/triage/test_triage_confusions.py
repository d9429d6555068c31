"""Classes of category error issue 13 names, each with reports written for the test."""
import pytest

from services.triage.decide import triage

from .conftest import make_report


@pytest.mark.parametrize(("text", "category"), [
    # a pirate cinema copy (枪版) is infringement, not weapons
    ("有个网站专门放刚上映电影的枪版，还有弹窗广告", "infringement"),
    # graphic violence in a video is terror/violence, not a privacy matter
    ("有人发了一段几个人围殴一个学生的视频，打得头破血流，也没打码，到处在传", "terror_violence"),
    # organized online abuse of a person is infringement (网络暴力), not terror
    ("有人组织网暴我，建群商量怎么骂我，每天几百条私信轰炸", "infringement"),
    # denying a historical atrocity is historical nihilism, not a rumor
    ("有人造谣说南京大屠杀是假的，死的人根本没那么多", "other"),
    # defaming one company is (enterprise) infringement, not a rumor
    ("有个自媒体造谣我们公司的产品吃了会拉肚子，我们检测都合格，订单少了一半", "infringement"),
    # sexual text is pornography, not vulgar
    ("这个小说app全是小黄文，每章都是露骨的性描写，还要充值", "pornography"),
])
def test_confused_classes_get_their_own_category(rules, text, category):
    assert triage(make_report(text), rules).category == category


def test_historical_denial_goes_to_expert_review(rules):
    decision = triage(make_report("有个up主说南京大屠杀是编出来的，还美化日军"), rules)
    assert decision.zone == "historical_nihilism" and decision.severity == "difficult"


def test_company_defamation_is_at_least_important(rules):
    decision = triage(make_report("竞争对手在网上造谣我们厂的奶粉有毒，恶意抹黑，损害商誉"), rules)
    assert decision.zone == "enterprise_infringement" and decision.severity in ("important", "difficult")

"""Sites told apart by what names them: a hospital by its number, a compound by a far county's
name it borrows (issue 13, error classes read off bench/tuning5; texts written for these tests)."""
from __future__ import annotations

import pytest

from services.rumor.clustering.features import places_of

from .conftest import claims_of


def test_a_hospital_is_named_by_its_number_however_it_is_written():
    for text, site in (("南宁市第二人民医院打的疫苗是假的", "medical:第2"), ("市二医院的疫苗有问题", "medical:第2"),
                       ("二院打的针全是假药", "medical:第2"), ("去市一院看病的人都被传染了", "medical:第1")):
        assert places_of(text).sites == (site,), text


def test_a_district_hospital_or_a_stay_in_hospital_is_no_numbered_hospital():
    assert places_of("良庆区医院门口排长队").sites == ()
    assert places_of("住院的人都被赶出来了").sites == ()


def test_a_compound_named_after_a_far_county_is_a_compound(params):
    assert "residence:桃源" in places_of("桃源小区下周整片强拆，每户只赔两万", location="南宁市").sites


@pytest.mark.parametrize("story, retold, elsewhere", [
    ("第二人民医院给孩子打的是假疫苗，好多家长去闹了", "听说二院的疫苗是假的，家长都在医院门口闹",
     "第一人民医院给孩子打的是假疫苗，好多家长去闹了"),
    # one compound borrows a far county's name (桃源), the other does not
    ("桃源小区下周整片强拆，每户只赔两万块", "听说桃源小区要被强拆了，补偿才两万？", "茶花园小区下周整片强拆，每户只赔两万块"),
])
def test_one_story_at_two_named_sites_is_two_claims(params, story, retold, elsewhere):
    first, again, other = claims_of([story, retold, elsewhere], params, location="南宁市")
    assert first == again and other != first

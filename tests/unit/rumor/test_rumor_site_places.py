"""A place told by a bridge, a landmark or a township: placed in its district, or refused as one."""
from __future__ import annotations

import pytest

from services.rumor.clustering.features import gazetteer_for
from services.rumor.clustering.normalize import normalize_text
from services.rumor.clustering.places import extract_places
from services.rumor.clustering.segmentation import segment
from services.rumor.params import PlaceParams
from tests.unit.rumor.test_rumor_clustering import claims_of


@pytest.fixture(scope="module")
def gaz():
    return gazetteer_for(PlaceParams())


def districts(gaz, text, **kw):
    norm = normalize_text(text)
    places, _ = extract_places(norm, gaz, words=segment(norm), **kw)
    return {gaz.label(c) for c in places.districts}


def test_a_bridge_named_after_a_county_is_in_that_county(gaz):
    # Streets are named after faraway places (北京路); a bridge after where it stands.
    assert districts(gaz, "上林桥昨晚被洪水冲断了，车都过不去", location="南宁市") == {"上林县"}


def test_a_bridge_story_told_by_the_county_or_by_its_bridge_is_one_claim(make_report, params):
    reports = [
        make_report("上林县有座桥昨晚被大水冲垮了，好几辆车掉进河里", location="南宁市"),
        make_report("听说上林桥被洪水冲断，几辆车掉河里了，真的假的", location="南宁市"),
    ]
    assert len(set(claims_of(reports, params))) == 1

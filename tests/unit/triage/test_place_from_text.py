"""A report with no address is placed by the place names in its own words (issue 13), through
the same resolver dispatch uses, with the basis and the names read recorded."""
from __future__ import annotations

import pytest

from services.dispatch.directory import load_directory
from services.dispatch.directory.places import resolve_place


@pytest.fixture(scope="module")
def directory():
    return load_directory()


def test_a_county_named_only_in_the_text_is_where_the_case_goes(directory):
    placement = resolve_place(None, None, directory, text="西乡塘区有个培训机构收了学费就跑路了")
    assert placement.division.path[:2] == ["南宁市", "西乡塘区"]
    assert placement.basis == "report_text" and "西乡塘区" in placement.evidence


def test_another_city_named_only_in_the_text_is_transferred_there(directory):
    placement = resolve_place("", None, directory, text="桂林市秀峰区有个棋牌室在直播打牌，观众可以下注")
    assert placement.transfer_to == "桂林市" and placement.basis == "report_text"


def test_the_address_field_wins_over_the_text(directory):
    placement = resolve_place("南宁市青秀区", None, directory, text="像上次柳州市城中区那样")
    assert placement.division.path[:2] == ["南宁市", "青秀区"] and placement.basis == "text"


@pytest.mark.parametrize("text", [
    "有人说南京大屠杀是编的",  # 南京 in a historical event's name
    "跟着导师买北京赛车稳赚",  # a lottery game
    "冒充公安局的人让我转账",  # 公安局 is not 公安县
    "坐在天台边上哭",  # a rooftop, not 天台县
])
def test_short_names_inside_ordinary_words_do_not_move_a_case_out_of_the_city(directory, text):
    placement = resolve_place(None, None, directory, text=text)
    assert placement.in_city and placement.transfer_to is None


@pytest.mark.parametrize("text, county, township", [
    ("西乡塘那边有人在群里发砍人视频", "西乡塘区", None),
    ("上林一带在传要地震了", "上林县", None),
    ("我们邕宁蒲庙这边有个群天天发赌博广告", "邕宁区", "蒲庙镇"),
    ("武鸣城厢镇有家店在抖音上发招嫖信息", "武鸣区", "城厢镇"),
])
def test_a_short_name_said_as_a_place_places_the_case(directory, text, county, township):
    placement = resolve_place(None, None, directory, text=text)
    assert placement.division.path[1] == county and placement.basis == "report_text"
    if township:
        assert placement.division.path[2] == township


def test_a_short_name_inside_an_ordinary_sentence_does_not(directory):
    assert resolve_place(None, None, directory, text="上林间小路有人直播").basis in ("default", "report_text")

"""The shared landmark list: each row resolved to its division, a bad path refused at load."""
from __future__ import annotations

import pytest

from libs.common.places.landmarks import LandmarkError, landmarks


def test_each_landmark_is_placed_in_the_division_its_path_names():
    by_name = {lm.name: lm for lm in landmarks()}
    assert by_name["相思湖"].code == "450107" and by_name["相思湖"].city == "450100"  # 西乡塘区
    assert by_name["朝阳广场"].code == "450102002"  # a township of 兴宁区


def test_a_path_that_does_not_resolve_fails_the_load(tmp_path):
    bad = tmp_path / "landmarks.yaml"
    bad.write_text('cities:\n  "450100":\n    - {name: 某某广场, division: [不存在区]}\n', encoding="utf-8")
    with pytest.raises(LandmarkError, match="某某广场"):
        landmarks(bad)

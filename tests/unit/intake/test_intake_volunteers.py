"""Volunteers: points, trusted reporters (DSA Art. 22 trusted flaggers), ranking, masking."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.intake.volunteers import (
    Counts, PointsPolicy, TrustPolicy, VolunteerIn, format_volunteer_id, is_trusted, mask_name, points, ranking,
    stats_for,
)

TRUST = TrustPolicy(min_reports=10, min_valid_ratio=0.8)
SCORING = PointsPolicy(per_report=0, per_valid=2, per_accepted=5, per_invalid=-1)


def test_trusted_needs_enough_reports_and_a_high_enough_valid_share():
    assert not is_trusted(Counts(reports=9, valid=9), TRUST)
    assert is_trusted(Counts(reports=10, valid=8, invalid=2), TRUST)
    assert not is_trusted(Counts(reports=10, valid=7, invalid=3), TRUST)
    assert not is_trusted(Counts(), TrustPolicy(min_reports=0, min_valid_ratio=0.0))


def test_points_reward_valid_and_accepted_reports_and_never_go_negative():
    assert points(Counts(reports=5, valid=3, invalid=2, accepted=1), SCORING) == 3 * 2 + 5 - 2
    assert points(Counts(reports=9, invalid=9), SCORING) == 0


def test_ranking_orders_by_points_then_valid_reports_and_numbers_the_places():
    a = stats_for("NN-V000001", Counts(reports=4, valid=4, accepted=0), TRUST, SCORING)   # 8
    b = stats_for("NN-V000002", Counts(reports=3, valid=2, accepted=1), TRUST, SCORING)   # 9
    c = stats_for("NN-V000003", Counts(reports=9, valid=4, invalid=5), TRUST, SCORING)    # 3
    d = stats_for("NN-V000004", Counts(reports=2, valid=1, accepted=1, invalid=1), TRUST, SCORING)  # 6
    ranked = ranking([a, b, c, d])
    assert [s.volunteer_id for s in ranked] == ["NN-V000002", "NN-V000001", "NN-V000004", "NN-V000003"]
    assert [s.rank for s in ranked] == [1, 2, 3, 4]
    assert ranked[1].valid_ratio == 1.0


def test_names_are_masked_for_the_ranking_and_ids_are_readable():
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"
    assert format_volunteer_id("NN", 42) == "NN-V000042"


def test_registration_needs_a_phone_or_email_and_normalizes_text():
    ok = VolunteerIn(name=" 王小明 ", region="广西柳州市城中区", contact={"phone": "13800000000"})
    assert ok.name == "王小明"
    with pytest.raises(ValidationError, match="联系方式至少需要电话或邮箱之一"):
        VolunteerIn(name="王小明", region="广西柳州市城中区", contact={"name": "王小明"})

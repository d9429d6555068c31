from datetime import UTC, datetime

from services.intake.danger import is_imminent_danger, load_danger_terms
from services.intake.normalize import normalize_text
from services.intake.tracking import format_tracking_no


def test_full_width_text_and_control_characters_are_normalized():
    assert normalize_text("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ\u200b\x07 赌博") == "www.example.com 赌博"


def test_live_self_harm_is_imminent_danger_but_a_plain_rumor_is_not():
    terms = load_danger_terms()
    assert is_imminent_danger("有人正在直播自残，快救救她", terms)
    assert is_imminent_danger("他在群里说要杀了他全家", terms)
    assert not is_imminent_danger("网上说明天停水，是谣言吗", terms)


def test_tracking_number_uses_the_china_date():
    # 2026-11-23 20:00 UTC is already 24 November in Beijing.
    assert format_tracking_no("NN", datetime(2026, 11, 23, 20, tzinfo=UTC), 42) == "NN-20261124-000042"


def test_target_urls_are_parsed_as_the_fetcher_will_parse_them():
    import pytest
    from pydantic import ValidationError

    from services.intake.models import ReportIn

    folded = ReportIn.model_validate({"text": "举报", "target_urls": ["http://ｅxample.com/post/1"]})
    assert folded.target_urls == ["http://example.com/post/1"]  # typed in full width: folded, not refused
    for bad in ("http://exa mple.com/", "javascript:alert(1)", "http://x.com:99999/", "http:///nohost"):
        with pytest.raises(ValidationError):
            ReportIn.model_validate({"text": "举报", "target_urls": [bad]})

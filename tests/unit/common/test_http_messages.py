"""Validation errors name the field and say why in Chinese, without echoing the input."""
from __future__ import annotations

from pydantic import ValidationError

from libs.common.http import messages
from services.intake.models import ReportIn


def _errors(data: dict) -> list[dict]:
    try:
        ReportIn.model_validate(data)
    except ValidationError as exc:
        return messages.describe([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])
    raise AssertionError("valid")


def test_each_error_names_its_field_in_dotted_form_and_gives_a_chinese_reason():
    details = _errors({"text": "x" * 5001, "region_code": "abc", "contact": {"phone": "call me"},
                       "category_hint": "spam", "evidence": [{"sha256": "nothex"}], "unknown": 1})
    by_field = {d["field"]: d["msg"] for d in details}
    assert by_field["text"] == "内容过长（最多 5000 个字符）"
    assert by_field["region_code"] == "格式不正确"
    assert by_field["contact.phone"] == "格式不正确"
    assert by_field["category_hint"].startswith("取值不在允许范围内")
    assert by_field["evidence[0].sha256"] == "格式不正确"
    assert by_field["unknown"] == "不支持该字段"
    assert all(d["loc"][0] == "body" for d in details)
    assert "call me" not in str(details)


def test_text_that_is_empty_once_normalized_is_refused_as_empty_and_a_summary_lists_the_first_few():
    details = _errors({"text": "\u200b\x07 "})
    assert details == [{"loc": ["body", "text"], "field": "text", "type": "string_too_short", "msg": "不能为空"}]
    assert messages.summary(details) == "请求内容有误：text：不能为空"
    missing = _errors({})
    assert missing[0]["msg"] == "必填项缺失"


def test_length_limits_count_the_text_as_stored_after_normalization():
    # One "ﷺ" is 18 characters after NFKC: 300 of them are 5,400, over the 5,000 limit.
    details = _errors({"text": "\ufdfa" * 300})
    assert details[0]["field"] == "text" and details[0]["type"] == "string_too_long"
    assert len(ReportIn.model_validate({"text": "\ufdfa" * 270}).text) == 4860  # fits, stored as normalized


def test_field_paths_read_like_the_json():
    assert messages.field_path(("body", "reports", 3, "text")) == "reports[3].text"
    assert messages.field_path(("query", "token")) == "token"
    assert messages.field_path(("body",)) == "body"

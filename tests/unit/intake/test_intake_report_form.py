"""The report form is the JSON API's body in another shape (services.intake.pages.form):
the same model validates it, and each refusal is a Chinese message next to its field."""
from __future__ import annotations

from services.intake.pages.form import parse, to_body


def test_the_form_becomes_the_api_body_and_anonymous_drops_the_contact():
    form = {"text": " 赌博网站 ", "category_hint": "gambling", "zone_hint": "", "target_urls": "https://a.example/x\n\n https://b.example/ ",
            "target_platform": "微信", "location": "南宁市青秀区", "contact_name": "王五", "contact_phone": "13800001111"}
    body = to_body(form)
    assert body["target_urls"] == ["https://a.example/x", "https://b.example/"] and "zone_hint" not in body
    assert body["contact"] == {"name": "王五", "phone": "13800001111"}
    report, errors = parse(form | {"anonymous": "1"})
    assert errors == {} and report is not None and report.contact is None and report.category_hint == "gambling"


def test_each_refused_field_gets_its_chinese_reason():
    _, errors = parse({"text": "", "target_urls": "ftp://x", "contact_phone": "call me", "region_code": "12",
                       "category_hint": "nonsense"})
    assert errors["text"] == "不能为空"
    assert "不是有效的网址" in errors["target_urls"]
    assert errors["contact_phone"] == "格式不正确" and errors["region_code"] == "格式不正确"
    assert "取值不在允许范围内" in errors["category_hint"]


def test_the_division_picker_offers_the_directorys_counties_and_townships():
    from services.intake.pages.divisions import load_divisions

    city, counties = load_divisions()
    assert city == "南宁市"
    qingxiu = next(c for c in counties if c.name == "青秀区")
    assert qingxiu.code == "450103" and ("450103001", "新竹街道") in qingxiu.townships
    report, errors = parse({"text": "举报内容", "region_code": "450103001"})
    assert errors == {} and report is not None and report.region_code == "450103001"

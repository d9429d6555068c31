"""The platform registry file, secrets from the environment, batches read item by item."""
from __future__ import annotations

import json

import pytest

from services.intake.platforms import (
    BatchInvalid, PlatformSpec, dev_secret, load_platform_specs, parse_batch, resolve_secret,
)
from services.intake.settings import IntakeSettings


def test_the_shipped_registry_names_secret_variables_and_holds_no_secret():
    specs = load_platform_specs(IntakeSettings.model_fields["platforms_file"].default)
    assert specs and all(s.secret_env.startswith("INTAKE_PLATFORM_SECRET_") for s in specs)
    assert any(not s.active for s in specs)
    raw = IntakeSettings.model_fields["platforms_file"].default.read_text(encoding="utf-8")
    assert "secret:" not in raw


@pytest.mark.parametrize("text, error", [
    ("platforms:\n  - {id: forum, name: 论坛, secret_env: A}\n  - {id: forum, name: 论坛二, secret_env: B}\n",
     r"duplicate platform ids: \['forum'\]"),
    ("platforms:\n  - {id: forum, name: 论坛, secret: plain-text}\n", "secret"),  # a secret in the file is refused
    ("platform:\n  - {id: forum, name: 论坛, secret_env: A}\n", "platform"),  # a misspelt key is not "no platforms"
])
def test_a_bad_registry_file_fails_the_load_naming_the_field(tmp_path, text, error):
    path = tmp_path / "platforms.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        load_platform_specs(path)


def test_an_empty_registry_means_no_platforms(tmp_path):
    path = tmp_path / "platforms.yaml"
    path.write_text("platforms:\n", encoding="utf-8")
    assert load_platform_specs(path) == []


def test_a_secret_comes_from_its_variable_else_from_the_dev_key_only_when_allowed():
    spec = PlatformSpec(id="forum", name="论坛", secret_env="FORUM_SECRET")
    assert resolve_secret(spec, {"FORUM_SECRET": "s" * 20}, dev_master="m" * 20) == ("s" * 20, "env")
    assert resolve_secret(spec, {}, dev_master=None) == (None, "missing")
    secret, source = resolve_secret(spec, {}, dev_master="m" * 20)
    assert source == "dev" and secret == dev_secret("m" * 20, "forum") != dev_secret("m" * 20, "other")
    with pytest.raises(ValueError, match="at least 16"):
        resolve_secret(spec, {"FORUM_SECRET": "short"}, dev_master=None)


def test_a_batch_accepts_good_items_and_rejects_bad_ones_with_field_and_reason():
    raw = json.dumps({"reports": [
        {"text": "有人在微信群发赌博网站链接", "external_id": "p-1", "category_hint": "gambling"},
        {"text": "  ", "external_id": "p-2"},
        {"text": "诈骗电话", "region_code": "12ab", "target_urls": ["ftp://x"]},
        "not an object",
    ]}, ensure_ascii=False).encode()
    items = parse_batch(raw, max_items=100)
    assert [i.report is not None for i in items] == [True, False, False, False]
    assert items[0].external_id == "p-1" and items[1].external_id == "p-2"
    assert [(e.field, e.reason) for e in items[1].errors] == [("reports[1].text", "不能为空")]
    fields = {e.field for e in items[2].errors}
    assert fields == {"reports[2].region_code", "reports[2].target_urls"}
    assert items[3].errors[0].field == "reports[3]"


@pytest.mark.parametrize(("raw", "field"), [
    (b"{not json", "body"), (b"[]", "body"), (b'{"reports": []}', "reports"),
    (b'{"reports": {}}', "reports"), (b'{"reports": [{"text": "x"}], "extra": 1}', "body"),
])
def test_a_batch_that_cannot_be_read_names_the_field(raw, field):
    with pytest.raises(BatchInvalid) as caught:
        parse_batch(raw, max_items=100)
    assert caught.value.field == field


def test_a_batch_over_the_limit_is_refused_as_a_whole():
    raw = json.dumps({"reports": [{"text": f"举报{i}"} for i in range(101)]}).encode()
    with pytest.raises(BatchInvalid, match="单次最多 100 条"):
        parse_batch(raw, max_items=100)

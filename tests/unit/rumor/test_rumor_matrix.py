"""The media-matrix data file and where each channel's endpoint and secret come from."""
from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from services.rumor.publishing.matrix import MediaMatrix, dev_secret, load_endpoints_file, load_matrix, resolve_endpoint


def test_nanning_ships_its_own_five_channels_and_57_alliance_members_with_unique_topic_safe_codes():
    matrix = load_matrix()
    assert [c.kind for c in matrix.own_channels] == ["website", "miniprogram", "wechat", "weibo", "toutiao"]
    assert len(matrix.alliance) == 57 and len(matrix.channels) == 62
    assert len(set(matrix.codes)) == 62
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]{1,39}", code) for code in matrix.codes)
    assert [c.code for c in matrix.channels if c.adapter == "website"] == ["website"]
    assert {c.member_type for c in matrix.alliance} >= {"department", "county_cac", "media"}


def test_a_duplicate_code_or_a_second_website_is_refused():
    own = [{"code": "website", "name": "网站", "kind": "website", "adapter": "website"}]
    with pytest.raises(ValidationError, match="unique"):
        MediaMatrix.model_validate({"city": "x", "name": "x", "site_name": "x", "own_channels": own,
                                    "alliance": [{"code": "website", "name": "重复"}]})
    with pytest.raises(ValidationError, match="one website"):
        MediaMatrix.model_validate({"city": "x", "name": "x", "site_name": "x", "own_channels": own + [
            {"code": "site2", "name": "另一个", "kind": "website", "adapter": "website"}]})


def test_the_endpoint_comes_from_the_channel_variable_then_the_environment_file_then_the_template(tmp_path):
    spec = load_matrix().get("nn-police")
    assert spec is not None and spec.env_stem == "RUMOR_CHANNEL_NN_POLICE"
    file = tmp_path / "endpoints.yaml"
    file.write_text("nn-police: https://file.example/police\n", encoding="utf-8")
    endpoints = load_endpoints_file(file)
    template = "https://gw.example/{code}"
    env = {"RUMOR_CHANNEL_NN_POLICE_URL": "https://env.example/police", "RUMOR_CHANNEL_NN_POLICE_SECRET": "s" * 16}
    assert resolve_endpoint(spec, env, endpoints=endpoints, url_template=template).url == "https://env.example/police"
    assert resolve_endpoint(spec, {}, endpoints=endpoints, url_template=template).url == "https://file.example/police"
    assert resolve_endpoint(spec, {}, url_template=template).url == "https://gw.example/nn-police"
    configured = resolve_endpoint(spec, env)
    assert configured.secret_source == "env" and configured.problem is None and "s" * 16 not in repr(configured)


def test_a_channel_without_url_or_secret_says_what_is_missing_and_a_short_secret_fails_loudly():
    spec = load_matrix().get("weibo")
    assert spec is not None
    assert "URL" in (resolve_endpoint(spec, {}).problem or "")
    assert "SECRET" in (resolve_endpoint(spec, {}, url_template="https://gw/{code}").problem or "")
    with pytest.raises(ValueError, match="at least 16"):
        resolve_endpoint(spec, {"RUMOR_CHANNEL_WEIBO_SECRET": "short"})
    dev = resolve_endpoint(spec, {}, url_template="https://gw/{code}", dev_master="master-key")
    assert dev.secret == dev_secret("master-key", "weibo") != dev_secret("master-key", "wechat")
    assert dev.secret_source == "dev" and dev.problem is None

"""The city's media matrix (媒体矩阵): the channels a rebuttal fans out to, from a data file.

The file lists channels and their adapter; where each one's endpoint and secret are comes
from the environment of the running instance (never the repository), resolved here from a
mapping the caller passes in, so tests and the CLI resolve exactly as the service does.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from libs.common.rulefile import read_yaml
from libs.common.signing import derive_key

MATRIX_PATH = Path(__file__).parents[1] / "rules" / "channels" / "nanning.yaml"
ChannelKind = Literal["website", "miniprogram", "wechat", "weibo", "toutiao", "alliance"]
AdapterKind = Literal["website", "webhook"]
MIN_SECRET_LENGTH = 16


class ChannelSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Part of a Kafka topic name and a metric label: short, closed, lower-case.
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1)
    kind: ChannelKind = "alliance"
    adapter: AdapterKind = "webhook"
    member_type: str | None = None  # alliance members: department, county_cac, media, platform, ...
    active: bool = True

    @property
    def env_stem(self) -> str:
        return "RUMOR_CHANNEL_" + self.code.upper().replace("-", "_")


class MediaMatrix(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    city: str
    name: str
    site_name: str
    own_channels: tuple[ChannelSpec, ...]
    alliance: tuple[ChannelSpec, ...] = ()

    @model_validator(mode="after")
    def _unique_codes(self) -> MediaMatrix:
        codes = [c.code for c in self.own_channels + self.alliance]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"channel codes must be unique: {dupes}")
        if sum(c.adapter == "website" for c in self.own_channels) > 1:
            raise ValueError("at most one website channel")
        return self

    @cached_property
    def channels(self) -> tuple[ChannelSpec, ...]:
        """Every active channel, own channels first (the fan-out order is irrelevant to delivery)."""
        return tuple(c for c in self.own_channels + self.alliance if c.active)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.channels)

    def get(self, code: str) -> ChannelSpec | None:
        return next((c for c in self.channels if c.code == code), None)


def load_matrix(path: Path | str | None = None) -> MediaMatrix:
    raw = read_yaml(path or MATRIX_PATH) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path or MATRIX_PATH}: expected a map with own_channels and alliance")
    alliance = [{"kind": "alliance", **member} for member in raw.pop("alliance", []) or []]
    return MediaMatrix.model_validate({**raw, "alliance": alliance})


class Endpoint(BaseModel):
    """Where and how to reach one webhook channel; None fields mean "not configured here"."""

    model_config = ConfigDict(frozen=True)
    code: str
    url: str | None
    secret: str | None = Field(default=None, repr=False)
    secret_source: Literal["env", "dev", "missing"] = "missing"

    @property
    def problem(self) -> str | None:
        """Why this channel cannot be delivered to, in the operator's words; None when it can."""
        if not self.url:
            return "未配置投递地址（RUMOR_CHANNEL_<CODE>_URL / 端点文件 / URL 模板）"
        if not self.secret:
            return "未配置签名密钥（RUMOR_CHANNEL_<CODE>_SECRET）"
        return None


def dev_secret(master: str, code: str) -> str:
    """A per-channel secret derived from the local master key, for local runs and tests only."""
    return derive_key(master, f"rumor-channel:{code}")[:32]


def resolve_endpoint(spec: ChannelSpec, environ: Mapping[str, str], *, endpoints: Mapping[str, str] | None = None,
                     url_template: str | None = None, dev_master: str | None = None) -> Endpoint:
    """The channel's URL (env > per-environment file > template) and secret (env > dev secret)."""
    url = environ.get(f"{spec.env_stem}_URL", "").strip() or (endpoints or {}).get(spec.code) \
        or (url_template.format(code=spec.code) if url_template else None)
    secret = environ.get(f"{spec.env_stem}_SECRET", "").strip()
    if secret:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"{spec.env_stem}_SECRET: a channel secret needs at least {MIN_SECRET_LENGTH} characters")
        return Endpoint(code=spec.code, url=url, secret=secret, secret_source="env")
    if dev_master:
        return Endpoint(code=spec.code, url=url, secret=dev_secret(dev_master, spec.code), secret_source="dev")
    return Endpoint(code=spec.code, url=url)


def load_endpoints_file(path: Path | str | None) -> dict[str, str]:
    """A per-environment map `code: url` (no secrets in it: they stay in the environment)."""
    if not path:
        return {}
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ValueError(f"{path}: expected a map of channel code to URL")
    return {str(k): v for k, v in raw.items()}

"""Rumor settings (env prefix RUMOR_)."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings

HERE = Path(__file__).parent


class RumorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RUMOR_", extra="ignore")

    service_name: str = "rumor"
    http_port: int = 8004
    params_file: Path = HERE / "params.yaml"
    public_base_url: str = "http://127.0.0.1:8004"

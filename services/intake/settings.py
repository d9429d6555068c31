"""Intake settings (env prefix INTAKE_)."""
from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake"
    http_port: int = 8001
    # Prefix of tracking numbers (受理编号), e.g. NN-20261123-000042 for Nanning.
    tracking_prefix: str = "NN"
    max_body_bytes: int = 256 * 1024
    public_base_url: str = "http://127.0.0.1:8001"

"""Triage settings (env prefix TRIAGE_)."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings

HERE = Path(__file__).parent


class TriageSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    service_name: str = "triage"
    http_port: int = 8002
    rules_dir: Path = HERE / "rules"
    # Reports about the same thing within this many days join one case.
    case_window_days: int = 14

"""Dispatch settings (env prefix DISPATCH_)."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings

HERE = Path(__file__).parent


class DispatchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", extra="ignore")

    service_name: str = "dispatch"
    http_port: int = 8003
    directory_file: Path = HERE / "directory" / "nanning.yaml"
    routing_file: Path = HERE / "rules" / "routing.yaml"
    deadlines_file: Path = HERE / "rules" / "deadlines.yaml"
    chase_interval_s: float = 30.0

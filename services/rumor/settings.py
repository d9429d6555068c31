"""Rumor settings (env prefix RUMOR_). Channel endpoints and secrets are resolved per channel
from the environment by services.rumor.publishing.matrix (RUMOR_CHANNEL_<CODE>_URL / _SECRET)."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings
from services.rumor.delivery.handlers import RetryPolicy
from services.rumor.publishing.matrix import MATRIX_PATH

HERE = Path(__file__).parent


class RumorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RUMOR_", extra="ignore")

    service_name: str = "rumor"
    http_port: int = 8004
    params_file: Path = HERE / "rules" / "params.yaml"
    public_base_url: str = "http://127.0.0.1:8004"

    # The media matrix and where its channels are in this environment.
    channels_file: Path = MATRIX_PATH
    channel_endpoints_file: Path | None = None  # YAML map code -> URL for this environment
    channel_url_template: str | None = None  # e.g. http://127.0.0.1:9100/channels/{code} (local, tests)
    channel_dev_secrets: bool = False  # local runs only: derive secrets from NETREPORT_SECRET_KEY

    # Delivery: this process consumes media.<channel> and delivers, unless turned off to run
    # delivery in separate instances of the same app.
    delivery_enabled: bool = True
    delivery_attempts: int = Field(6, ge=1)
    delivery_backoff_s: float = Field(1.0, gt=0)
    delivery_backoff_max_s: float = Field(30.0, gt=0)
    delivery_timeout_s: float = Field(10.0, gt=0)
    delivery_concurrency: int = Field(100, ge=1)  # open HTTP connections to channels at once

    gauges_interval_s: float = Field(60.0, gt=0)  # a count over the claims: a slow timer
    site_name: str | None = None  # defaults to the matrix file's site_name

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=self.delivery_attempts, backoff_s=self.delivery_backoff_s,
                           backoff_max_s=self.delivery_backoff_max_s)

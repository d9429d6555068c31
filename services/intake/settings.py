"""Intake settings (env prefix INTAKE_; the shared connection settings are unprefixed)."""
from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings

HERE = Path(__file__).resolve().parent


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake"
    http_port: int = 8001
    # Prefix of tracking numbers (受理编号), e.g. NN-20261123-000042 for Nanning.
    tracking_prefix: str = "NN"
    max_body_bytes: int = 256 * 1024
    public_base_url: str = "http://127.0.0.1:8001"

    # Platform webhooks (平台推送).
    platforms_file: Path = HERE / "rules" / "platforms.yaml"
    # Local runs only: a platform whose secret variable is unset gets a secret derived from
    # NETREPORT_SECRET_KEY (print it with `python -m services.intake.cli platform-secret ID`).
    platform_dev_secrets: bool = False
    webhook_skew_s: int = 300
    webhook_max_batch: int = 100
    webhook_max_body_bytes: int = 4 * 1024 * 1024  # a batch of 100 reports is larger than one form

    # Flood control (per instance, in memory: see ratelimit.py for why).
    rate_ip_per_minute: float = 30.0  # submissions and registrations
    rate_ip_burst: int = 20
    rate_ip_reads_per_minute: float = 240.0  # status look-ups: a page polling every 0.5 s fits
    rate_ip_reads_burst: int = 120
    rate_platform_per_minute: float = 1200.0  # reports per minute per platform
    rate_platform_burst: int = 300

    # Volunteers (网络举报志愿者) and trusted reporters (DSA Art. 22 trusted flaggers).
    trusted_min_reports: int = 20
    trusted_min_valid_ratio: float = 0.8
    points_per_report: int = 0
    points_per_valid: int = 2
    points_per_accepted: int = 5
    points_per_invalid: int = -1

    # Outcome push-back to platforms (结果回传).
    callback_timeout_s: float = 10.0
    callback_max_attempts: int = 12
    callback_interval_s: float = 2.0

    # Evidence snapshot (证据固定): off by default.
    evidence_snapshot: bool = False
    snapshot_max_bytes: int = 5 * 1024 * 1024
    snapshot_timeout_s: float = 20.0
    snapshot_max_redirects: int = 3
    # Comma-separated CIDRs fetched even though private/loopback (tests: 127.0.0.1/32).
    snapshot_allow_networks: str = ""
    snapshot_interval_s: float = 2.0

    def allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        parts = [p.strip() for p in self.snapshot_allow_networks.split(",") if p.strip()]
        return [ipaddress.ip_network(p, strict=False) for p in parts]

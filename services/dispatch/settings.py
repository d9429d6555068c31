"""Dispatch settings (env prefix DISPATCH_)."""
from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from libs.common.settings import ServiceSettings
from libs.common.signing import derive_key

HERE = Path(__file__).parent


class DispatchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", extra="ignore")

    service_name: str = "dispatch"
    http_port: int = 8003
    # The key departments' answers are signed with (services/dispatch/feedback_signature.py);
    # unset, it is derived from NETREPORT_SECRET_KEY.
    feedback_key: SecretStr | None = None
    directory_file: Path = HERE / "directory" / "nanning.yaml"
    routing_file: Path = HERE / "rules" / "routing.yaml"
    deadlines_file: Path = HERE / "rules" / "deadlines.yaml"
    platforms_file: Path = HERE / "rules" / "platforms.yaml"
    duty_file: Path = HERE / "rules" / "duty.yaml"
    # Pages to the staff on duty also go, signed, to this SMS/IM gateway (services/dispatch/duty/notify.py);
    # unset, the console is where pages are seen.
    duty_gateway_url: str | None = None
    duty_gateway_secret: SecretStr | None = None
    chase_interval_s: float = 30.0
    # Re-check (复查) of content said to be removed: first look after this delay, then, when
    # the URL cannot be judged (unreachable, 5xx), again after the retry delay, a few times.
    recheck_delay_s: float = 24 * 3600
    recheck_retry_s: float = 3600
    recheck_max_attempts: int = 3
    recheck_deadline_s: float = 30.0  # per URL, whatever its server does (a drip holds nothing else)
    # Hosts the URL checker may fetch although they resolve to non-public addresses
    # (comma-separated; tests and staging only). Empty in production.
    urlcheck_allow_hosts: str = ""
    urlcheck_timeout_s: float = 10.0
    # Takedown callbacks: attempts per delivery (exponential backoff) before the DLQ.
    takedown_attempts: int = 4
    takedown_timeout_s: float = 10.0
    # Public base URL of this service, told to platforms as where to answer later (signed).
    public_base_url: str | None = None
    platform_feedback_skew_s: int = 300
    # The console's rumor pages call rumor's operator API (the claims live there): its base
    # URL and an operator token listed in rumor's OPERATOR_TOKENS. Unset: those pages say so.
    rumor_url: str | None = None
    rumor_token: SecretStr | None = None
    # The same for intake's operator API: a case's evidence snapshots and their hash chain, the
    # volunteers' ranking. Unset: those parts of the console say so.
    intake_url: str | None = None
    intake_token: SecretStr | None = None

    @property
    def allow_hosts(self) -> list[str]:
        return [h.strip() for h in self.urlcheck_allow_hosts.split(",") if h.strip()]


def feedback_signing_key(settings: DispatchSettings) -> str:
    """The key departments' answers are signed with; empty when neither setting is there (the
    service refuses to start then: services/dispatch/app.py)."""
    if settings.feedback_key is not None:
        return settings.feedback_key.get_secret_value()
    if settings.secret_key is None:
        return ""
    return derive_key(settings.secret_key.get_secret_value(), "dispatch-feedback-key")

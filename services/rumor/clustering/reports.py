"""The rumor report as the clustering sees it: what was said, where, about which post, when."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from libs.common.events import ReportContent

# Reports without an offset were written in the center's local time (Beijing time).
CENTER_TZ = timezone(timedelta(hours=8))


class RumorReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    text: str
    reported_at: datetime
    channel: str | None = None
    target_urls: tuple[str, ...] = ()
    target_account: str | None = None
    location: str | None = None
    region_code: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_single_target_url(cls, data: Any) -> Any:
        # Dry-run files and some platforms send one `target_url`; the event carries a list.
        if isinstance(data, dict) and data.get("target_url") and not data.get("target_urls"):
            data = {**data, "target_urls": [data["target_url"]]}
        return data

    @field_validator("reported_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=CENTER_TZ)

    @classmethod
    def from_content(cls, content: ReportContent, *, reported_at: datetime | None = None) -> RumorReport:
        """Adapt the shared event payload (reports.triaged) to the clustering input."""
        return cls(
            id=content.report_id,
            text=content.text,
            reported_at=reported_at or content.submitted_at,
            channel=content.channel,
            target_urls=tuple(content.target_urls) + tuple(e.url for e in content.evidence if e.url),
            target_account=content.target_account,
            location=content.location,
            region_code=content.region_code,
        )


class LabelledReport(RumorReport):
    """A report with its true claim, for evaluation files."""

    claim: str = Field(min_length=1)

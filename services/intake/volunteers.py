"""Volunteers (网络举报志愿者): registration bodies, counts, points, ranking, trust.

A report is *valid* once a reply says it was dispatched or closed (`invalid` says it was
not); a case is *accepted* (采纳) when the volunteer's report ended in a closed case (办结).
A volunteer with at least `min_reports` reports of which at least `min_valid_ratio` were
valid is a trusted reporter (DSA Art. 22 trusted flagger): triage sees the flag. Pure.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from libs.common.text import Normalized
from services.intake.models import ReporterContact


class VolunteerIn(BaseModel):
    """志愿者登记。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Normalized = Field(..., min_length=1, max_length=50, description="志愿者姓名（加密存储）")
    region: Normalized = Field(..., min_length=2, max_length=100, description="所在地区，如 广西柳州市城中区")
    contact: ReporterContact = Field(..., description="联系方式（至少填写电话或邮箱之一，加密存储）")

    @model_validator(mode="after")
    def _reachable(self) -> VolunteerIn:
        if not self.contact.identity():
            raise ValueError("联系方式至少需要电话或邮箱之一")
        return self


class VolunteerRegistered(BaseModel):
    """志愿者登记回执。"""

    volunteer_id: str = Field(..., description="志愿者编号")
    volunteer_token: str = Field(..., description="志愿者凭证：提交举报时放在 Authorization: Bearer 请求头中，请妥善保存")
    reports_url: str = Field(..., description="志愿者提交举报的地址")


class VolunteerStats(BaseModel):
    """一位志愿者的举报统计。"""

    volunteer_id: str = Field(..., description="志愿者编号")
    display_name: str = Field("", description="脱敏姓名")
    region: str = Field("", description="所在地区")
    reports: int = Field(0, description="举报数")
    valid_reports: int = Field(0, description="有效举报数（已转办或已办结）")
    invalid_reports: int = Field(0, description="无效举报数")
    accepted_cases: int = Field(0, description="被采纳（办结）的举报数")
    valid_ratio: float = Field(0.0, description="有效率")
    points: int = Field(0, description="积分")
    trusted: bool = Field(False, description="是否为可信举报人")
    rank: int | None = Field(None, description="排名")


@dataclass(frozen=True)
class TrustPolicy:
    min_reports: int
    min_valid_ratio: float


@dataclass(frozen=True)
class PointsPolicy:
    per_report: int
    per_valid: int
    per_accepted: int
    per_invalid: int


@dataclass(frozen=True)
class Counts:
    reports: int = 0
    valid: int = 0
    invalid: int = 0
    accepted: int = 0


def is_trusted(counts: Counts, policy: TrustPolicy) -> bool:
    if counts.reports < max(1, policy.min_reports):
        return False
    return counts.valid / counts.reports >= policy.min_valid_ratio


def points(counts: Counts, policy: PointsPolicy) -> int:
    total = (counts.reports * policy.per_report + counts.valid * policy.per_valid
             + counts.accepted * policy.per_accepted + counts.invalid * policy.per_invalid)
    return max(0, total)


def stats_for(volunteer_id: str, counts: Counts, trust: TrustPolicy, scoring: PointsPolicy,
              display_name: str = "", region: str = "") -> VolunteerStats:
    return VolunteerStats(
        volunteer_id=volunteer_id, display_name=display_name, region=region, reports=counts.reports,
        valid_reports=counts.valid, invalid_reports=counts.invalid, accepted_cases=counts.accepted,
        valid_ratio=round(counts.valid / counts.reports, 4) if counts.reports else 0.0,
        points=points(counts, scoring), trusted=is_trusted(counts, trust),
    )


def ranking(stats: Iterable[VolunteerStats]) -> list[VolunteerStats]:
    """Points first, then valid reports, then accepted cases; ties share no rank (id order)."""
    ordered = sorted(stats, key=lambda s: (-s.points, -s.valid_reports, -s.accepted_cases, s.volunteer_id))
    return [s.model_copy(update={"rank": i}) for i, s in enumerate(ordered, start=1)]


def mask_name(name: str) -> str:
    """张三丰 → 张**: the ranking shows who, without spelling out a full name."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def format_volunteer_id(prefix: str, sequence: int) -> str:
    return f"{prefix}-V{sequence:06d}"

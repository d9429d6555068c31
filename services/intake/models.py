"""Bodies of intake's HTTP API (pydantic v2), with Chinese field descriptions for OpenAPI."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from libs.common.events import Evidence
from libs.common.vocabulary import Category, Zone
from services.intake.normalize import normalize_text


class ReporterContact(BaseModel):
    """举报人联系方式（个人信息，加密存储，不会发送给承办部门）。"""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=50, description="举报人姓名（可选）")
    phone: str | None = Field(None, pattern=r"^\+?[0-9\-]{5,20}$", description="联系电话（可选）")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200, description="电子邮箱（可选）")

    def identity(self) -> str | None:
        return self.phone or self.email or None


class ReportIn(BaseModel):
    """一条举报线索。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(..., min_length=1, max_length=5000, description="举报内容描述")
    category_hint: Category | None = Field(None, description="举报人选择的举报类型（仅作参考）")
    zone_hint: Zone | None = Field(None, description="举报专区（可选）")
    target_urls: list[str] = Field(default_factory=list, max_length=10, description="被举报内容的网址（可多条）")
    target_platform: str | None = Field(None, max_length=100, description="被举报平台，如 抖音、微信公众号")
    target_account: str | None = Field(None, max_length=200, description="被举报账号")
    evidence: list[Evidence] = Field(default_factory=list, max_length=20, description="证据（截图链接、哈希等）")
    location: str | None = Field(None, max_length=200, description="发生地，如 南宁市青秀区新竹街道")
    region_code: str | None = Field(None, pattern=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$", description="行政区划代码（6/9/12位）")
    contact: ReporterContact | None = Field(None, description="举报人联系方式（可匿名）")

    @field_validator("text")
    @classmethod
    def _text_has_content(cls, value: str) -> str:
        value = normalize_text(value)
        if not value:
            raise ValueError("举报内容不能为空")
        return value

    @field_validator("target_urls")
    @classmethod
    def _urls_are_http(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")) or len(url) > 2000:
                raise ValueError(f"不是有效的网址: {url[:80]}")
        return urls

    @field_validator("target_platform", "target_account", "location")
    @classmethod
    def _normalize(cls, value: str | None) -> str | None:
        return normalize_text(value) or None if value is not None else None


class ReportAccepted(BaseModel):
    """受理回执。"""

    report_id: str
    tracking_no: str = Field(..., description="受理编号")
    status_token: str = Field(..., description="查询凭证：与受理编号一起查询办理进度，请妥善保存")
    status_url: str
    advice: str | None = Field(None, description="紧急提示（如需立即报警）")


class HistoryItem(BaseModel):
    at: datetime
    status: str
    text: str


class ReportStatus(BaseModel):
    """办理进度。"""

    tracking_no: str
    status: Literal["received", "triaged", "invalid", "dispatched", "transferred", "closed", "rebutted"] | str
    submitted_at: datetime
    history: list[HistoryItem]
    reply: str | None = Field(None, description="最终答复")
    link: str | None = None

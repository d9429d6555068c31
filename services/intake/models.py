"""Bodies of intake's HTTP API (pydantic v2), with Chinese field descriptions for OpenAPI."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from libs.common.events import Evidence
from libs.common.text import Normalized, NormalizedOrNone
from libs.common.vocabulary import Category, Zone
from services.intake.normalize import clean_http_url


class ReporterContact(BaseModel):
    """举报人联系方式（个人信息，加密存储，不会发送给承办部门）。"""

    model_config = ConfigDict(extra="forbid")
    name: NormalizedOrNone = Field(None, max_length=50, description="举报人姓名（可选）")
    phone: str | None = Field(None, pattern=r"^\+?[0-9\-]{5,20}$", description="联系电话（可选）")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200, description="电子邮箱（可选）")

    def identity(self) -> str | None:
        return self.phone or self.email or None


class EvidenceIn(BaseModel):
    """一项证据：截图或网页的链接、文件哈希、说明。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    url: str | None = Field(None, max_length=2000, pattern=r"^https?://", description="证据链接（http/https）")
    sha256: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$", description="证据文件的 SHA-256 哈希（64 位十六进制）")
    note: NormalizedOrNone = Field(None, max_length=500, description="说明")

    def to_event(self) -> Evidence:
        return Evidence(url=self.url, sha256=self.sha256.lower() if self.sha256 else None, note=self.note)


class ReportIn(BaseModel):
    """一条举报线索。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Normalized = Field(..., min_length=1, max_length=5000, description="举报内容描述")
    category_hint: Category | None = Field(None, description="举报人选择的举报类型（仅作参考）")
    zone_hint: Zone | None = Field(None, description="举报专区（可选）")
    target_urls: list[str] = Field(default_factory=list, max_length=10, description="被举报内容的网址（可多条）")
    target_platform: NormalizedOrNone = Field(None, max_length=100, description="被举报平台，如 抖音、微信公众号")
    target_account: NormalizedOrNone = Field(None, max_length=200, description="被举报账号")
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20, description="证据（截图链接、哈希等）")
    location: NormalizedOrNone = Field(None, max_length=200, description="发生地，如 南宁市青秀区新竹街道")
    region_code: str | None = Field(None, pattern=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$", description="行政区划代码（6/9/12位）")
    contact: ReporterContact | None = Field(None, description="举报人联系方式（可匿名）")

    @field_validator("target_urls")
    @classmethod
    def _urls_are_http(cls, urls: list[str]) -> list[str]:
        cleaned = []
        for url in urls:
            good = clean_http_url(url)
            if good is None:
                raise ValueError(f"不是有效的网址: {url[:80]}")
            cleaned.append(good)
        return cleaned


class OperatorReportIn(ReportIn):
    """值班员代为录入的电话、邮件举报。"""

    channel: Literal["phone", "email"] = Field(..., description="来源渠道：phone 电话，email 电子邮件")
    operator: NormalizedOrNone = Field(None, max_length=50, description="录入人（工号或姓名，仅留存备查）")


class ReportAccepted(BaseModel):
    """受理回执。"""

    report_id: str = Field(..., description="举报内部编号")
    tracking_no: str = Field(..., description="受理编号")
    status_token: str = Field(..., description="查询凭证：与受理编号一起查询办理进度，请妥善保存")
    status_url: str = Field(..., description="办理进度查询地址")
    advice: str | None = Field(None, description="紧急提示（如需立即报警）")


STATUS_ZH: dict[str, str] = {
    "received": "已受理", "triaged": "已研判", "invalid": "无效举报", "dispatched": "已转办",
    "transferred": "已移交", "closed": "已办结", "rebutted": "已辟谣", "rebuttal": "已辟谣", "correction": "已更正",
}
# Still moving: the tracking page reloads itself while a report is in one of these, so a
# reporter who keeps it open sees the reply arrive without pressing 刷新.
IN_PROGRESS: frozenset[str] = frozenset({"received", "triaged", "dispatched"})


class HistoryItem(BaseModel):
    """办理过程中的一步。"""

    at: datetime = Field(..., description="时间")
    status: str = Field(..., description="状态代码")
    status_zh: str = Field("", description="状态（中文）")
    text: str = Field(..., description="说明")


class ReportStatus(BaseModel):
    """办理进度。"""

    tracking_no: str = Field(..., description="受理编号")
    status: Literal["received", "triaged", "invalid", "dispatched", "transferred", "closed", "rebutted"] | str = Field(
        ..., description="当前状态：received 已受理、invalid 无效、dispatched 已转办、transferred 已移交、closed 已办结等")
    status_zh: str = Field("", description="当前状态（中文）")
    submitted_at: datetime = Field(..., description="提交时间")
    history: list[HistoryItem] = Field(..., description="办理过程（按时间先后）")
    reply: str | None = Field(None, description="最终答复（办结、无效或移交时）")
    link: str | None = Field(None, description="相关链接（如辟谣文章）")


class ErrorBody(BaseModel):
    """错误响应（所有 4xx/5xx 同一格式）。"""

    error: str = Field(..., description="错误代码，如 validation_failed、rate_limited、bad_signature")
    message: str = Field(..., description="中文说明")
    detail: str | list[dict[str, object]] = Field(..., description="详情：校验错误时为逐字段列表（loc、field、msg）")

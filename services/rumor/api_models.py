"""Request and response bodies of the operator API (值班员接口), validated at the boundary."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from libs.common.text import Published, PublishedOrNone
from services.rumor.publishing.rebuttals import RebuttalContent, Verdict


class _In(BaseModel):
    """Free text loses control and format characters before its length is checked
    (libs.common.text.Published): a pasted control character would break the Atom feed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VerificationIn(_In):
    """核实查证结论。"""

    verdict: Verdict = Field(..., description="核查结论：false 虚假（谣言）、true 属实、unverifiable 无法证实")
    note: Published = Field("", max_length=2000, description="核查说明：向谁核实、依据什么（内部记录，不公开）")
    operator: PublishedOrNone = Field(None, max_length=64, description="核查人（值班员姓名或工号）")


class RebuttalIn(_In):
    """辟谣稿件。"""

    title: Published = Field(..., min_length=1, max_length=120, description="标题")
    body: Published = Field(..., min_length=1, max_length=20000, description="正文（纯文本，按行分段）")
    authority: Published = Field(..., min_length=1, max_length=100, description="发布机构（如：南宁市应急管理局）")
    claim_reviewed: Published = Field(..., min_length=1, max_length=300,
                                description="网传内容概述：一句话说明被核查的传言（公开显示，不得含举报人信息）")
    evidence_links: list[AnyHttpUrl] = Field(default_factory=list, max_length=20,
                                             description="查证依据链接（权威通报、官方说明等，http/https）")

    @field_validator("evidence_links")
    @classmethod
    def _unique(cls, links: list[AnyHttpUrl]) -> list[AnyHttpUrl]:
        return list(dict.fromkeys(links))

    def content(self) -> RebuttalContent:
        return RebuttalContent(title=self.title, body=self.body, authority=self.authority,
                               claim_reviewed=self.claim_reviewed,
                               evidence_links=tuple(str(u) for u in self.evidence_links))


class CorrectionIn(RebuttalIn):
    """更正：更正后的完整稿件与更正说明。"""

    note: Published = Field(..., min_length=1, max_length=500, description="更正说明（告知各渠道与举报人）")


class WithdrawalIn(_In):
    """撤回。"""

    reason: Published = Field(..., min_length=1, max_length=500, description="撤回原因（告知各渠道与举报人）")


class ChannelOut(BaseModel):
    code: str = Field(..., description="渠道代码（Kafka 主题 media.<代码>）")
    name: str = Field(..., description="渠道名称")
    kind: str = Field(..., description="类型：website 网站、miniprogram 小程序、wechat 公众号、weibo 微博、toutiao 头条、alliance 辟谣联盟成员")
    adapter: str = Field(..., description="投递方式：website 本地网站、webhook 签名推送")
    configured: bool = Field(..., description="本环境是否已配置投递地址与密钥")
    problem: str | None = Field(None, description="未配置时的原因")


class DeliveryOut(BaseModel):
    channel: str = Field(..., description="渠道代码")
    name: str = Field("", description="渠道名称")
    status: Literal["queued", "retrying", "delivered", "failed"] = Field(
        ..., description="投递状态：queued 排队或投递中、retrying 重试中、delivered 已送达、failed 失败（已进入死信队列）")
    version: int | None = Field(None, description="稿件版本")
    action: str | None = Field(None, description="publish 发布、correct 更正、withdraw 撤回")
    attempts: int = Field(0, description="已尝试次数")
    last_error: str | None = Field(None, description="最近一次失败原因")
    reason: str | None = Field(None, description="最终失败原因")
    delivery_id: str | None = Field(None, description="投递编号（即幂等键）")
    updated_at: datetime | None = Field(None, description="更新时间")


class ClaimSummaryOut(BaseModel):
    claim_id: str = Field(..., description="线索编号")
    status: str = Field(..., description="状态：open 待核实、verified 已核实、published 已发布、withdrawn 已撤回")
    status_zh: str = Field(..., description="状态（中文）")
    verdict: Verdict | None = Field(None, description="核查结论")
    verdict_zh: str | None = Field(None, description="核查结论（中文）")
    report_count: int = Field(..., description="举报数")
    sample_texts: list[str] = Field(..., description="举报内容样例（首条及最新几条）")
    first_seen: datetime = Field(..., description="首次举报时间")
    last_seen: datetime = Field(..., description="最近举报时间")
    alerted_at: datetime | None = Field(None, description="最近一次预警时间")
    rebuttal_id: str | None = Field(None, description="辟谣稿件编号")
    rebuttal_url: str | None = Field(None, description="辟谣文章地址")
    rebuttal_version: int | None = Field(None, description="辟谣稿件当前版本")


class ClaimListOut(BaseModel):
    total: int = Field(..., description="符合条件的线索总数")
    items: list[ClaimSummaryOut]


class ClaimDetailOut(ClaimSummaryOut):
    verification: dict[str, object] | None = Field(None, description="核查记录")
    draft: dict[str, object] | None = Field(None, description="辟谣稿件（草稿或当前版本）")
    publication: dict[str, object] | None = Field(None, description="发布记录（含各版本）")
    deliveries: list[DeliveryOut] = Field(default_factory=list, description="当前稿件在各渠道的投递状态")
    fanout_completed_at: datetime | None = Field(None, description="当前版本全部渠道送达时间")


class RepublishOut(BaseModel):
    delivery_id: str = Field(..., description="新的投递编号（幂等键）")
    channel: str
    version: int

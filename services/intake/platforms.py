"""Platforms that push reports by signed webhook (嵌入举报入口的平台), and their batches.

The registry is data (rules/platforms.yaml) seeded into MongoDB at start; a platform's secret is
never in the file, only the name of the environment variable that holds it. Batches are
parsed item by item, so one bad report is rejected with its field and reason while the
others are accepted. Pure: no I/O beyond reading the registry file.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from libs.common.http import messages
from libs.common.rulefile import load_rule_file
from libs.common.signing import derive_key
from services.intake.models import ReportIn

PLATFORM_ID = r"^[a-z0-9][a-z0-9_-]{1,62}$"
IDEMPOTENCY_KEY = r"^[A-Za-z0-9_.:\-]{1,128}$"


class PlatformSpec(BaseModel):
    """One entry of platforms.yaml."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(..., pattern=PLATFORM_ID)
    name: str
    secret_env: str = Field(..., pattern=r"^[A-Z][A-Z0-9_]*$")
    active: bool = True
    callback_url: str | None = Field(None, pattern=r"^https?://")


class PlatformsFile(BaseModel):
    """rules/platforms.yaml: `platforms:` left empty means none."""

    model_config = ConfigDict(extra="forbid")
    platforms: list[PlatformSpec] | None = None

    @field_validator("platforms")
    @classmethod
    def _unique_ids(cls, specs: list[PlatformSpec] | None) -> list[PlatformSpec] | None:
        ids = [s.id for s in specs or []]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate platform ids: {sorted({i for i in ids if ids.count(i) > 1})}")
        return specs


def load_platform_specs(path: Path) -> list[PlatformSpec]:
    return load_rule_file(PlatformsFile, path, empty_ok=True).platforms or []


def dev_secret(master_key: str, platform_id: str) -> str:
    """A local-run secret derived from NETREPORT_SECRET_KEY (never used unless enabled)."""
    return derive_key(master_key, f"platform-webhook:{platform_id}")


def resolve_secret(spec: PlatformSpec, environ: Mapping[str, str], dev_master: str | None) -> tuple[str | None, str]:
    """(secret, where from): the named environment variable, else a dev secret if allowed."""
    value = environ.get(spec.secret_env, "").strip()
    if value:
        if len(value) < 16:
            raise ValueError(f"{spec.secret_env}: a platform secret needs at least 16 characters")
        return value, "env"
    if dev_master:
        return dev_secret(dev_master, spec.id), "dev"
    return None, "missing"


# --------------------------------------------------------------------------- batches

class PlatformReportIn(ReportIn):
    """平台推送的一条举报（字段同公开举报接口，另加平台侧编号）。"""

    external_id: str | None = Field(None, max_length=128, description="平台侧举报编号（结果回传时原样带回）")


class PlatformBatchIn(BaseModel):
    """平台批量推送的举报（请求体原文参与签名）。"""

    model_config = ConfigDict(extra="forbid")
    reports: list[PlatformReportIn] = Field(..., min_length=1, description="举报列表（单次上限见 INTAKE_WEBHOOK_MAX_BATCH，默认 100）")


class ItemError(BaseModel):
    field: str = Field(..., description="出错字段，如 reports[3].text")
    reason: str = Field(..., description="原因")


class ItemResult(BaseModel):
    """单条举报的处理结果。"""

    index: int = Field(..., description="在批次中的序号（从 0 开始）")
    external_id: str | None = Field(None, description="平台侧举报编号")
    status: Literal["accepted", "rejected"] = Field(..., description="accepted 已受理；rejected 未受理")
    report_id: str | None = None
    tracking_no: str | None = Field(None, description="受理编号")
    status_token: str | None = Field(None, description="查询凭证")
    status_url: str | None = Field(None, description="办理进度查询地址")
    advice: str | None = Field(None, description="紧急提示（如需立即报警）")
    errors: list[ItemError] = Field(default_factory=list, description="未受理的原因（字段与原因）")


class BatchResult(BaseModel):
    """批次处理结果。同一幂等键的重试返回相同结果，不会重复受理。"""

    platform_id: str
    idempotency_key: str
    accepted: int = Field(..., description="受理条数")
    rejected: int = Field(..., description="未受理条数")
    replayed: bool = Field(False, description="true 表示这是对同一幂等键的重试，返回的是首次的处理结果")
    results: list[ItemResult]


class BatchInvalid(ValueError):
    """The batch as a whole cannot be read: 422 naming the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class ParsedItem:
    index: int
    report: PlatformReportIn | None
    external_id: str | None
    errors: list[ItemError]


def parse_batch(raw: bytes, max_items: int) -> list[ParsedItem]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BatchInvalid("body", "不是有效的 JSON") from None
    if not isinstance(data, dict) or set(data) - {"reports"}:
        raise BatchInvalid("body", "请求体应为 {\"reports\": [...]}")
    items = data.get("reports")
    if not isinstance(items, list) or not items:
        raise BatchInvalid("reports", "应为非空列表")
    if len(items) > max_items:
        raise BatchInvalid("reports", f"单次最多 {max_items} 条，本次 {len(items)} 条")
    return [_parse_item(i, item) for i, item in enumerate(items)]


def _parse_item(index: int, item: object) -> ParsedItem:
    external_id = item.get("external_id") if isinstance(item, dict) else None
    external_id = external_id if isinstance(external_id, str) and len(external_id) <= 128 else None
    try:
        report = PlatformReportIn.model_validate(item)
    except ValidationError as exc:
        errors = [ItemError(field=f"reports[{index}]" + (f".{d['field']}" if d["field"] else ""), reason=d["msg"])
                  for d in messages.describe(exc.errors(include_url=False, include_input=False))]
        return ParsedItem(index, None, external_id, errors)
    return ParsedItem(index, report, report.external_id, [])


def body_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()

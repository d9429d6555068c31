"""The entries of the jurisdiction data files, validated when they are loaded.

`Node` is one division anywhere in China (the national table, `libs.common.places.divisions`);
`Unit` is a division of the center's own city with the departments that act there;
`ReportCenter` takes transfers.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from libs.common.events import DepartmentRef
from libs.common.places.divisions import Level

DepartmentKind = Literal[
    "cac", "police", "market_regulation", "culture", "education", "health",
    "emergency_center", "leadership", "report_center", "township_office",
]
# A department code is the suffix of its Kafka topic `dispatch.<code>`: keep it to the
# characters Kafka allows, lower-case ASCII so it also reads well in metrics labels.
TOPIC_SUFFIX = re.compile(r"^[a-z0-9][a-z0-9._-]{0,200}$")


class Department(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    kind: DepartmentKind
    name: str

    @field_validator("code")
    @classmethod
    def _topic_safe(cls, code: str) -> str:
        if not TOPIC_SUFFIX.match(code):
            raise ValueError(f"department code {code!r} is not a valid Kafka topic suffix")
        return code

    def ref(self) -> DepartmentRef:
        return DepartmentRef(code=self.code, kind=self.kind, name=self.name)


class Unit(BaseModel):
    """A division of the center's city: city, county, township/street or village/community."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    level: Level
    parent: str | None = None
    aliases: list[str] = Field(default_factory=list)
    # Names other cities use too (高新区, 经开区): they count only when nothing says otherwise.
    weak_aliases: list[str] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    zone: str | None = None  # name of the development zone (功能区) this unit is


class ReportCenter(BaseModel):
    """Another city's (or a province's) report center, which receives transfers (移交)."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str  # official name of the city or province, e.g. "宿迁市"
    center: str  # e.g. "宿迁市互联网违法和不良信息举报中心"
    province: str | None = None


class Landmark(BaseModel):
    """A well-known place (万象城, 朝阳广场, ...) and the division it lies in."""

    model_config = ConfigDict(frozen=True)

    name: str
    code: str
    note: str = ""

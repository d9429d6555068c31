"""The duty rules (rules/duty.yaml) as a model; pure apart from reading the file once."""
from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from libs.common.rulefile import load_rule_file
from libs.common.vocabulary import Severity

DEFAULT_DUTY_POLICY = Path(__file__).parents[1] / "rules" / "duty.yaml"
Level = Literal["a", "b", "leader"]
LEVELS: tuple[Level, ...] = ("a", "b", "leader")
LEVEL_ZH = {"a": "A角", "b": "B角", "leader": "带班领导"}


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: Level
    minutes: float = Field(ge=0)  # to acknowledge before the next level is paged (0 on the last)


class PageOn(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_severities: list[Severity] = Field(default_factory=lambda: ["major", "emergency"])
    overdue_severities: list[Severity] = Field(default_factory=lambda: ["important"])
    rumor_alert: bool = True
    channel_down: bool = True


class DutyPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    timezone: str = "Asia/Shanghai"
    shift_starts: list[time] = Field(default_factory=lambda: [time(9, 0)], min_length=1)
    checkin_opens_minutes: float = 30
    checkin_grace_minutes: float = 10
    handover_ack_minutes: float = 30
    escalation: list[Step] = Field(default_factory=lambda: [Step(level="a", minutes=10), Step(level="b", minutes=10),
                                                            Step(level="leader", minutes=0)], min_length=1)
    page_on: PageOn = Field(default_factory=PageOn)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        ZoneInfo(name)
        return name

    @field_validator("shift_starts")
    @classmethod
    def _sorted(cls, starts: list[time]) -> list[time]:
        return sorted(set(starts))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def step_after(self, level: Level) -> Step | None:
        levels = [s.level for s in self.escalation]
        i = levels.index(level) if level in levels else -1
        return self.escalation[i + 1] if i + 1 < len(self.escalation) else None

    def minutes_at(self, level: Level) -> float:
        return next((s.minutes for s in self.escalation if s.level == level), 0.0)


def load_duty_policy(path: str | Path = DEFAULT_DUTY_POLICY) -> DutyPolicy:
    return load_rule_file(DutyPolicy, path)

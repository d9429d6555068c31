"""Platforms as handlers (平台处置): which platform hosts a case's content, and whether it
handles the case or is asked to remove the content while a department handles it.

Pure: the registry is data (rules/platforms.yaml); `plan_takedowns(route, ...)` returns the
route (with the platform as handler when the policy says so) and the platforms to ask.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from libs.common.events import DepartmentRef
from libs.common.rulefile import load_rule_file
from libs.common.vocabulary import Category, Severity
from services.dispatch.routing import Route

DEFAULT_PLATFORMS = Path(__file__).parents[1] / "rules" / "platforms.yaml"
PLATFORM_PREFIX = "platform."  # department code of a platform: never a Kafka topic


class PlatformSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,62}$")
    name: str
    hosts: list[str]
    takedown_url: str = Field(pattern=r"^https?://")
    secret_env: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    removed_markers: list[str] = Field(default_factory=list)
    active: bool = True

    @property
    def code(self) -> str:
        return PLATFORM_PREFIX + self.id

    def ref(self) -> DepartmentRef:
        return DepartmentRef(code=self.code, kind="platform", name=self.name)

    def hosts_url(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosts)


class PlatformPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    handler_severities: list[Severity] = Field(default_factory=lambda: ["general"])
    handler_categories: list[Category] = Field(default_factory=list)
    co_categories: list[Category] = Field(default_factory=list)


class PlatformRegistry(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy: PlatformPolicy = Field(default_factory=PlatformPolicy)
    platforms: list[PlatformSpec] = Field(default_factory=list)

    def get(self, platform_id: str) -> PlatformSpec | None:
        return next((p for p in self.platforms if p.id == platform_id), None)

    def by_code(self, code: str) -> PlatformSpec | None:
        return self.get(code.removeprefix(PLATFORM_PREFIX)) if code.startswith(PLATFORM_PREFIX) else None

    def hosting(self, urls: list[str]) -> list[tuple[PlatformSpec, list[str]]]:
        """Active platforms hosting some of `urls`, each with its URLs, in first-seen order."""
        found: dict[str, tuple[PlatformSpec, list[str]]] = {}
        for url in urls:
            spec = next((p for p in self.platforms if p.active and p.hosts_url(url)), None)
            if spec is not None:
                found.setdefault(spec.id, (spec, []))[1].append(url)
        return list(found.values())

    def codes(self) -> list[str]:
        return [p.code for p in self.platforms]


def load_platforms(path: str | Path = DEFAULT_PLATFORMS) -> PlatformRegistry:
    registry = load_rule_file(PlatformRegistry, path, empty_ok=True)
    ids = [p.id for p in registry.platforms]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate platform ids")
    return registry


class Takedown(BaseModel):
    """Ask this platform to remove these URLs, as handler or co."""

    model_config = ConfigDict(frozen=True)
    platform: PlatformSpec
    role: str  # "handler" | "co"
    urls: list[str]


class TakedownPlan(BaseModel):
    model_config = ConfigDict(frozen=True)
    route: Route
    takedowns: list[Takedown] = Field(default_factory=list)


def plan_takedowns(current: Route, *, category: Category, urls: list[str],
                   registry: PlatformRegistry) -> TakedownPlan:
    """Who removes the content. Transfers and not-routed cases ask no platform; a platform
    that refused the case (in `rejected_by`) is not asked again."""
    if not current.routed or current.transfer_to or not urls:
        return TakedownPlan(route=current)
    hosted = [(spec, mine) for spec, mine in registry.hosting(urls) if spec.code not in current.rejected_by]
    policy = registry.policy
    handler = (len(hosted) == 1 and len(hosted[0][1]) == len(urls) and not current.needs_human
               and current.severity in policy.handler_severities and category in policy.handler_categories)
    if handler:
        spec, mine = hosted[0]
        if current.department and current.department.code == spec.code:  # planned before (a reopening)
            return TakedownPlan(route=current, takedowns=[Takedown(platform=spec, role="handler", urls=mine)])
        route = current.model_copy(update={
            "department": spec.ref(), "candidates": [spec.ref(), *current.candidates],
            "reason": f"content on {spec.id}: the platform removes it (平台处置); "
                      f"if it refuses, {current.reason}"})
        return TakedownPlan(route=route, takedowns=[Takedown(platform=spec, role="handler", urls=mine)])
    if category not in policy.co_categories:
        return TakedownPlan(route=current)
    return TakedownPlan(route=current, takedowns=[Takedown(platform=s, role="co", urls=m) for s, m in hosted])


def is_platform(department_code: str | None) -> bool:
    return bool(department_code) and department_code.startswith(PLATFORM_PREFIX)  # type: ignore[union-attr]

"""The console's way to rumor's operator API (the claims, rebuttals and deliveries live in
rumor's database): plain HTTP with an operator token, so the console can do exactly what
the API allows, with the API's own checks and Chinese refusals."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class RumorAnswer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        """The API's Chinese refusal, for the page."""
        if isinstance(self.body, dict):
            detail = self.body.get("detail")
            if isinstance(detail, list) and detail:
                return "；".join(f"{d.get('field', '')}：{d.get('msg', '')}" for d in detail[:5])
            return str(self.body.get("message") or self.body.get("error") or self.status)
        return f"谣言服务答复 {self.status}"


class RumorClient:
    def __init__(self, base_url: str | None, token: str | None, timeout_s: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url, self.token, self.timeout_s = (base_url or "").rstrip("/"), token, timeout_s
        self.transport = transport  # tests: a stand-in for rumor's API

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.token)

    async def call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None) -> RumorAnswer:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport) as client:
                r = await client.request(method, f"{self.base_url}/api/v1{path}", json=json, params=params, headers=headers)
        except httpx.HTTPError as exc:
            return RumorAnswer(503, {"message": f"谣言服务暂不可用（{type(exc).__name__}），请稍后重试"})
        try:
            body = r.json()
        except ValueError:
            body = None
        return RumorAnswer(r.status_code, body)

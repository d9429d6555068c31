"""The console's way to the other services' operator APIs: rumor's (the claims, rebuttals
and deliveries live in rumor's database) and intake's (evidence snapshots, the volunteers).
Plain HTTP with an operator token, so the console can do exactly what the API allows, with
the API's own checks and Chinese refusals."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    service: str = "谣言服务"

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
        return f"{self.service}答复 {self.status}"


class ServiceClient:
    def __init__(self, base_url: str | None, token: str | None, timeout_s: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None, service: str = "谣言服务") -> None:
        self.base_url, self.token, self.timeout_s = (base_url or "").rstrip("/"), token, timeout_s
        self.transport = transport  # tests: a stand-in for the service's API
        self.service = service  # its name in the pages' messages

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.token)

    async def call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport) as client:
                r = await client.request(method, f"{self.base_url}/api/v1{path}", json=json, params=params, headers=headers)
        except httpx.HTTPError as exc:
            return Answer(503, {"message": f"{self.service}暂不可用（{type(exc).__name__}），请稍后重试"}, self.service)
        try:
            body = r.json()
        except ValueError:
            body = None
        return Answer(r.status_code, body, self.service)

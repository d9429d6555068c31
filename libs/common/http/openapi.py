"""The security of every operation in the OpenAPI document, as the guard enforces it.

Each operation carries its `x-access` (libs.common.http.access); this sets `security` to
match: none for public routes, the platform signature for signed ones, the volunteer's
token for volunteer routes, an operator token or console session for the rest.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from libs.common.http.access import ACCESS_KEY, DEFAULT

SCHEMES: dict[str, dict[str, Any]] = {
    "OperatorToken": {"type": "http", "scheme": "bearer",
                      "description": "值班员/承办单位/管理员令牌（其 SHA-256 配置于 OPERATOR_TOKENS）"},
    "ConsoleSession": {"type": "apiKey", "in": "cookie", "name": "netreport_session",
                       "description": "值班台/承办单位工作台登录后的签名会话（有效期见设置，可退出）"},
    "PlatformSignature": {"type": "apiKey", "in": "header", "name": "X-Signature",
                          "description": "hex(HMAC-SHA256(平台密钥, f\"{X-Timestamp}.{请求体原文}\"))，"
                                         "时间戳须在允许偏差内，同一签名只能使用一次"},
    "VolunteerToken": {"type": "http", "scheme": "bearer", "description": "志愿者凭证（登记时获得）"},
}
SECURITY_BY_ACCESS: dict[str, list[dict[str, list[str]]]] = {
    "public": [],
    "signed": [{"PlatformSignature": []}],
    "volunteer": [{"VolunteerToken": []}],
    "operator": [{"OperatorToken": []}, {"ConsoleSession": []}],
    "department": [{"OperatorToken": []}, {"ConsoleSession": []}],
    "admin": [{"OperatorToken": []}, {"ConsoleSession": []}],
}
METHODS = ("get", "put", "post", "delete", "patch", "options", "head")


def declare_security(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = generate()
        used: set[str] = set()
        for path in document.get("paths", {}).values():
            for method in METHODS:
                if (operation := path.get(method)) is not None:
                    kind = operation.setdefault(ACCESS_KEY, DEFAULT)
                    operation["security"] = SECURITY_BY_ACCESS[kind]
                    used.update(name for requirement in operation["security"] for name in requirement)
        components = document.setdefault("components", {})
        components["securitySchemes"] = {name: SCHEMES[name] for name in sorted(used)}
        if not components["securitySchemes"]:
            del components["securitySchemes"]
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]

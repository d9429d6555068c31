"""Operator credentials for tests: the OPERATOR_TOKENS entry (a hash) for a raw token."""
from __future__ import annotations

from libs.common.http.access import token_sha256

E2E_OPERATOR_TOKEN = "e2e-operator-token-0123456789"  # the running system's operator in tests/e2e


def tokens_entry(token: str, *, name: str = "tester", role: str = "operator", department: str | None = None) -> str:
    if role == "department":
        return f"{name}:department:{department}:{token_sha256(token)}"
    return f"{name}:{role}:{token_sha256(token)}"


def with_operator(fields: dict, default: str | None = None) -> dict:  # type: ignore[type-arg]
    """`operator_token=` in a test's settings becomes the OPERATOR_TOKENS entry for it (None: none)."""
    token = fields.pop("operator_token", default)
    return fields | ({"OPERATOR_TOKENS": tokens_entry(token)} if token else {})

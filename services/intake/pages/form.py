"""Pure: the report form's fields ⇄ the JSON API's body (ReportIn), and pydantic's errors
as Chinese messages next to the field they are about.

The form is only another way to write the API's body: it is validated by the same model
(services.intake.models.ReportIn) and stored by the same code (report_routes.submit_report),
so a rule holds for both or for neither.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from libs.common.http.messages import describe
from services.intake.models import ReportIn

FIELDS = ("text", "category_hint", "zone_hint", "target_urls", "target_platform", "target_account",
          "location", "region_code", "contact_name", "contact_phone", "contact_email", "anonymous")


def _blank_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def to_body(form: Mapping[str, str]) -> dict[str, Any]:
    """The API body the form's fields mean: blank fields absent, one URL per line, no contact
    when the reporter chose to stay anonymous (匿名举报)."""
    body: dict[str, Any] = {"text": form.get("text", "")}
    for name in ("category_hint", "zone_hint", "target_platform", "target_account", "location", "region_code"):
        if (value := _blank_none(form.get(name))) is not None:
            body[name] = value
    urls = [line.strip() for line in form.get("target_urls", "").splitlines() if line.strip()]
    if urls:
        body["target_urls"] = urls
    if not form.get("anonymous"):
        contact = {k: v for k in ("name", "phone", "email") if (v := _blank_none(form.get(f"contact_{k}"))) is not None}
        if contact:
            body["contact"] = contact
    return body


def form_field(api_field: str) -> str:
    """'contact.phone' → 'contact_phone'; 'target_urls[2]' → 'target_urls'."""
    return api_field.split("[")[0].replace(".", "_") if api_field.startswith("contact") else api_field.split("[")[0].split(".")[0]


def field_errors(details: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """{form field: the first Chinese reason} from the API's 422 detail list."""
    out: dict[str, str] = {}
    for d in details:
        name = form_field(str(d.get("field", "")))
        if name == "contact":
            name = "contact_phone"
        out.setdefault(name if name in FIELDS else "text", str(d["msg"]))
    return out


def parse(form: Mapping[str, str]) -> tuple[ReportIn | None, dict[str, str]]:
    """(the report, no errors) or (None, {field: reason})."""
    try:
        return ReportIn.model_validate(to_body(form)), {}
    except ValidationError as exc:
        return None, field_errors(describe(exc.errors(include_url=False)))

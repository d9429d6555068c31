"""Open311 GeoReport v2 as intake speaks it: pure mapping, no I/O.

Services are the report categories and the special zones (service_code = our code); a
service request is a report that takes the same path as every other channel
(accept.accept_report); its service_request_id is the 受理编号. Status: our status history
becomes `status` (open/closed) and `status_notes`. The `api_key` identifies a platform of
intake's registry: `<platform id>.<hex HMAC-SHA256(platform secret, "open311-api-key")>`,
so the platform never sends its signing secret itself. Spec: https://wiki.open311.org/GeoReport_v2
"""
from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from pydantic import ValidationError

from libs.common.signing import derive_key
from libs.common.vocabulary import CATEGORIES, CATEGORY_ZH, ZONE_ZH, ZONES
from services.intake.models import EvidenceIn, ReporterContact, ReportIn

API_KEY = re.compile(r"^(?P<platform>[a-z0-9][a-z0-9_-]{1,62})\.(?P<mac>[0-9a-f]{64})$")
CLOSED = {"closed", "invalid", "transferred", "rebutted"}  # nothing more will happen here
FORMATS = ("json", "xml")


class Open311Error(Exception):
    """Answered as the spec's error list: [{"code": status, "description": ...}]."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@dataclass(frozen=True)
class Service:
    service_code: str
    service_name: str
    description: str
    group: str
    hint: dict[str, str]  # what the code says about the report: category_hint or zone_hint

    def listing(self) -> dict[str, Any]:
        return {"service_code": self.service_code, "service_name": self.service_name, "description": self.description,
                "metadata": False, "type": "batch", "keywords": self.service_code.replace("_", ","), "group": self.group}


SERVICES: tuple[Service, ...] = (
    *(Service(c, CATEGORY_ZH[c], f"举报类型：{CATEGORY_ZH[c]}（{c}）", "举报类型 category", {"category_hint": c})
      for c in CATEGORIES),
    *(Service(z, ZONE_ZH[z], f"举报专区：{ZONE_ZH[z]}（{z}）", "举报专区 zone", {"zone_hint": z}) for z in ZONES),
)
BY_CODE = {s.service_code: s for s in SERVICES}


def api_key_for(platform_id: str, secret: str) -> str:
    mac = derive_key(secret, "open311-api-key")
    return f"{platform_id}.{mac}"


def key_platform(api_key: str | None) -> str:
    """The platform an api_key names (it is checked against the platform's secret after)."""
    match = API_KEY.match(api_key or "")
    if match is None:
        raise Open311Error(403, "api_key missing or malformed")
    return match["platform"]


def key_matches(api_key: str, platform_id: str, secret: str) -> bool:
    return hmac.compare_digest(api_key, api_key_for(platform_id, secret))


def service(code: str) -> Service:
    if code not in BY_CODE:
        raise Open311Error(404, f"service_code {code!r} not found")
    return BY_CODE[code]


def report_from_form(form: Mapping[str, str]) -> ReportIn:
    """A POST requests.json form as our report body; 400 naming the field that is wrong."""
    chosen = service(form.get("service_code") or _missing("service_code"))
    location = form.get("address_string") or _coordinates(form.get("lat"), form.get("long"))
    if not location and not form.get("address_id"):
        raise Open311Error(400, "a location is required: address_string, lat and long, or address_id")
    name = " ".join(p for p in (form.get("first_name"), form.get("last_name")) if p) or None
    contact = {k: v for k, v in (("name", name), ("phone", form.get("phone")), ("email", form.get("email"))) if v}
    media = form.get("media_url")
    try:
        return ReportIn(
            text=form.get("description") or _missing("description"), **chosen.hint,
            location=location or f"address_id {form['address_id']}",
            evidence=[EvidenceIn(url=media, note="Open311 media_url")] if media else [],
            contact=ReporterContact(**contact) if contact else None)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = {"text": "description", "location": "address_string", "evidence": "media_url", "url": "media_url",
                 "name": "first_name"}.get(
            str(first["loc"][0]), ".".join(map(str, first["loc"])))
        raise Open311Error(400, f"{field}: {first['msg']}") from None


def _missing(field: str) -> str:
    raise Open311Error(400, f"{field} is required")


def _coordinates(lat: str | None, long: str | None) -> str | None:
    if lat is None and long is None:
        return None
    try:
        la, lo = float(lat or ""), float(long or "")
    except ValueError:
        raise Open311Error(400, "lat and long must both be decimal degrees (WGS84)") from None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise Open311Error(400, "lat and long are out of range")
    return f"{la:.6f},{lo:.6f}"


def open_or_closed(status: str) -> str:
    return "closed" if status in CLOSED else "open"


def status_notes(history: Iterable[Mapping[str, Any]], reply: str | None, zh: Mapping[str, str]) -> str:
    """Our status history in one line per step, the final reply last."""
    steps = [f"{_stamp(h['at'])} {zh.get(h['status'], h['status'])}：{h['text']}" for h in history]
    return "\n".join(steps + ([f"答复：{reply}"] if reply and all(reply != h["text"] for h in history) else []))


def request_view(doc: Mapping[str, Any], zh: Mapping[str, str]) -> dict[str, Any]:
    """One stored report as a GeoReport v2 service request."""
    content, asked = doc["content"], doc.get("open311", {})
    code = asked.get("service_code") or content.get("category_hint") or content.get("zone_hint") or "other"
    history = doc.get("history", [])
    return {
        "service_request_id": doc["tracking_no"], "status": open_or_closed(doc["status"]),
        "status_notes": status_notes(history, doc.get("reply"), zh),
        "service_name": BY_CODE[code].service_name if code in BY_CODE else code, "service_code": code,
        "description": content["text"], "agency_responsible": "网信办举报中心",
        "service_notice": "", "requested_datetime": _stamp(doc["submitted_at"]),
        "updated_datetime": _stamp(history[-1]["at"]) if history else _stamp(doc["submitted_at"]),
        "expected_datetime": "", "address": asked.get("address_string") or content.get("location") or "",
        "address_id": asked.get("address_id", ""), "zipcode": "", "lat": asked.get("lat", ""), "long": asked.get("long", ""),
        "media_url": asked.get("media_url", ""),
    }


def _stamp(at: datetime | str) -> str:
    return at if isinstance(at, str) else at.isoformat(timespec="seconds")


def to_xml(root: str, item: str, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The spec's XML: <root><item><field>value</field>...</item>...</root>."""
    top = ElementTree.Element(root)
    for row in rows:
        element = ElementTree.SubElement(top, item)
        for key, value in row.items():
            ElementTree.SubElement(element, key).text = _text(value)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def definition_xml(code: str) -> bytes:
    top = ElementTree.Element("service_definition")
    ElementTree.SubElement(top, "service_code").text = code
    ElementTree.SubElement(top, "attributes")
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def errors(error: Open311Error) -> list[dict[str, Any]]:
    return [{"code": error.status, "description": error.description}]

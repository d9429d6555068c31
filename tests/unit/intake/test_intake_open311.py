"""Open311 GeoReport v2 mapping (services/intake/open311.py), with the spec's own examples:
its POST requests example form, its status values, its error list and its XML shapes."""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl
from xml.etree import ElementTree

import pytest

from libs.common.vocabulary import CATEGORIES, ZONES
from services.intake import open311
from services.intake.models import STATUS_ZH
from services.intake.open311 import Open311Error

# The spec's example request (GeoReport v2, POST Service Request), with one of our service codes.
SPEC_POST = ("api_key=xyz&service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street"
             "&email=smit222%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith"
             "&phone=111111111&description=A+large+sinkhole+is+destroying+the+street"
             "&media_url=http%3A%2F%2Fwww.ci.sf.ca.us%2Fsomeimage.jpg&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001")


def form(**changes: str | None) -> dict[str, str]:
    fields = dict(parse_qsl(SPEC_POST)) | {"service_code": "gambling"}
    return {k: v for k, v in (fields | changes).items() if v is not None}


def test_services_are_the_categories_and_zones_with_every_field_the_spec_lists() -> None:
    listing = [s.listing() for s in open311.SERVICES]
    assert [s["service_code"] for s in listing] == [*CATEGORIES, *ZONES]
    for s in listing:
        assert set(s) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert s["metadata"] is False and s["type"] in ("realtime", "batch", "blackbox")


def test_the_spec_example_request_becomes_our_report_with_contact_sealed_apart() -> None:
    report = open311.report_from_form(form())
    assert report.text == "A large sinkhole is destroying the street" and report.category_hint == "gambling"
    assert report.location == "1234 5th street"
    assert [e.url for e in report.evidence] == ["http://www.ci.sf.ca.us/someimage.jpg"]
    assert report.contact is not None and (report.contact.name, report.contact.phone, report.contact.email) == (
        "john smith", "111111111", "smit222@sfgov.edu")
    zoned = open311.report_from_form(form(service_code="cyberbullying"))
    assert (zoned.zone_hint, zoned.category_hint) == ("cyberbullying", None)


def test_coordinates_alone_are_a_location() -> None:
    assert open311.report_from_form(form(address_string=None)).location == "37.765241,-122.421204"


@pytest.mark.parametrize(("changes", "status", "names"), [
    ({"service_code": "001"}, 404, "service_code"),
    ({"description": None}, 400, "description"),
    ({"address_string": None, "lat": None, "long": None}, 400, "location"),
    ({"address_string": None, "lat": "north"}, 400, "lat"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"media_url": "ftp://x"}, 400, "media_url"),
])
def test_a_wrong_request_is_refused_naming_the_field(changes: dict, status: int, names: str) -> None:
    with pytest.raises(Open311Error) as refused:
        open311.report_from_form(form(**changes))
    assert refused.value.status == status and names in refused.value.description
    assert open311.errors(refused.value) == [{"code": status, "description": refused.value.description}]


def test_api_key_names_the_platform_and_proves_its_secret_without_sending_it() -> None:
    key = open311.api_key_for("nanning-forum", "s" * 32)
    assert open311.key_platform(key) == "nanning-forum" and "s" * 32 not in key
    assert open311.key_matches(key, "nanning-forum", "s" * 32) and not open311.key_matches(key, "nanning-forum", "t" * 32)
    for bad in (None, "", "xyz", "nanning-forum.1234"):
        with pytest.raises(Open311Error) as refused:
            open311.key_platform(bad)
        assert refused.value.status == 403


def stored(status: str, history: list[tuple[str, str]], reply: str | None = None) -> dict:
    at = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    return {"tracking_no": "NN-20260310-000042", "status": status, "submitted_at": at, "reply": reply,
            "content": {"text": "有人拉人赌博", "category_hint": "gambling", "location": "青秀区", "platform_id": "p"},
            "open311": {"service_code": "gambling", "lat": "22.8", "long": "108.3", "media_url": "https://x/y.jpg"},
            "history": [{"at": at, "status": s, "text": t} for s, t in history]}


def test_our_status_history_becomes_open_or_closed_with_status_notes() -> None:
    open_one = open311.request_view(stored("dispatched", [("received", "已受理"), ("dispatched", "已转交南宁市公安局")]), STATUS_ZH)
    assert open_one["status"] == "open" and open_one["service_request_id"] == "NN-20260310-000042"
    assert open_one["status_notes"].splitlines()[-1].endswith("已转办：已转交南宁市公安局")
    assert (open_one["lat"], open_one["long"], open_one["media_url"]) == ("22.8", "108.3", "https://x/y.jpg")
    for status in ("closed", "invalid", "transferred"):
        done = open311.request_view(stored(status, [("received", "已受理"), (status, "结论")], reply="结论"), STATUS_ZH)
        assert done["status"] == "closed" and done["status_notes"].count("结论") == 1


def test_xml_is_the_spec_shape() -> None:
    root = ElementTree.fromstring(open311.to_xml("services", "service", [s.listing() for s in open311.SERVICES]))
    assert root.tag == "services" and root[0].tag == "service" and root[0].findtext("service_code") == CATEGORIES[0]
    assert root[0].findtext("metadata") == "false"
    errors = ElementTree.fromstring(open311.to_xml("errors", "error", [{"code": 403, "description": "api_key is not valid"}]))
    assert (errors[0].findtext("code"), errors[0].findtext("description")) == ("403", "api_key is not valid")

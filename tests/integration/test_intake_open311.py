"""Open311 GeoReport v2 on intake over the real Kafka and database, driven by a small client
written from the spec alone (paths, form fields, JSON and XML answers, the error list): the
spec's example request becomes a report on reports.submitted like any other channel's, its
status is open then closed with our history as status_notes, and refusals are the spec's."""
from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import httpx

from libs.common.events import ReporterReply
from libs.common.topics import REPORTS_REPLIES, REPORTS_SUBMITTED
from services.intake.app import create_app
from services.intake.open311 import api_key_for
from services.intake.platforms import dev_secret
from tests.support.intake import SECRET_KEY, publish, read_topic, running, settings_for, wait_for


class GeoReportClient:
    """GeoReport v2 as a city system's client sees it: https://wiki.open311.org/GeoReport_v2"""

    def __init__(self, http: httpx.AsyncClient, endpoint: str, api_key: str) -> None:
        self.http, self.endpoint, self.api_key = http, endpoint, api_key

    async def services(self, fmt: str = "json") -> httpx.Response:
        return await self.http.get(f"{self.endpoint}/services.{fmt}")

    async def definition(self, code: str, fmt: str = "json") -> httpx.Response:
        return await self.http.get(f"{self.endpoint}/services/{code}.{fmt}")

    async def create(self, fields: dict[str, str], fmt: str = "json") -> httpx.Response:
        return await self.http.post(f"{self.endpoint}/requests.{fmt}", data={"api_key": self.api_key, **fields})

    async def request(self, service_request_id: str, fmt: str = "json") -> httpx.Response:
        return await self.http.get(f"{self.endpoint}/requests/{service_request_id}.{fmt}", params={"api_key": self.api_key})

    async def requests(self, ids: list[str], fmt: str = "json") -> httpx.Response:
        return await self.http.get(f"{self.endpoint}/requests.{fmt}",
                                   params={"api_key": self.api_key, "service_request_id": ",".join(ids)})


# The spec's POST example, with a service code from our services.json.
SPEC_EXAMPLE = {"service_code": "gambling", "lat": "22.8170", "long": "108.3665", "address_string": "南宁市青秀区新竹街道",
                "email": "smit222@sfgov.edu", "device_id": "tt222111", "account_id": "123456", "first_name": "john",
                "last_name": "smith", "phone": "111111111", "description": "有人在论坛发博彩网站链接，拉人充值下注",
                "media_url": "https://forum.example/attachments/1.jpg"}


def xml_rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.headers["content-type"].startswith("application/xml")
    return [{child.tag: child.text or "" for child in row} for row in ElementTree.fromstring(response.content)]


async def test_a_city_system_reports_and_follows_the_status_over_open311(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platform_dev_secrets=True)
    key = api_key_for("nanning-forum", dev_secret(SECRET_KEY, "nanning-forum"))
    async with running(create_app(settings)) as http:
        client = GeoReportClient(http, "/open311/v2", key)
        listing = (await client.services()).json()
        assert {"gambling", "fraud", "cyberbullying"} <= {s["service_code"] for s in listing}
        assert [r["service_code"] for r in xml_rows(await client.services("xml"))] == [s["service_code"] for s in listing]
        assert (await client.definition("gambling")).json() == {"service_code": "gambling", "attributes": []}

        created = await client.create(SPEC_EXAMPLE)
        assert created.status_code == 201, created.text
        [receipt] = created.json()
        request_id = receipt["service_request_id"]
        assert request_id.startswith("NN-") and receipt["account_id"] == "123456"

        published = await read_topic(infra.kafka_bootstrap, settings.topic(REPORTS_SUBMITTED),
                                     until=lambda ms: any(m["report"]["tracking_no"] == request_id for m in ms))
        [report] = [m["report"] for m in published if m["report"]["tracking_no"] == request_id]
        assert (report["channel"], report["platform_id"], report["category_hint"]) == ("platform", "nanning-forum", "gambling")
        assert report["evidence"][0]["url"] == SPEC_EXAMPLE["media_url"] and report["reporter_pid"].startswith("rp-")
        assert "111111111" not in json.dumps(published) and "smit222" not in json.dumps(published)

        [status] = (await client.request(request_id)).json()
        assert (status["status"], status["service_code"], status["lat"]) == ("open", "gambling", "22.8170")
        assert "已受理" in status["status_notes"]
        await publish(infra.kafka_bootstrap, settings.topic(REPORTS_REPLIES), ReporterReply(
            report_id=report["report_id"], kind="closed", text="已办结：涉赌网站已关停。", status="closed", case_id="case-1"))

        async def closed() -> list[dict[str, Any]] | None:
            rows = xml_rows(await client.requests([request_id], "xml"))
            return rows if rows and rows[0]["status"] == "closed" else None

        [done] = await wait_for(closed, timeout=60)
        assert done["service_request_id"] == request_id and "已办结：涉赌网站已关停。" in done["status_notes"]


async def test_open311_refusals_are_the_specs_error_list_in_json_and_xml(infra, topic_prefix, mongo_db_name):
    settings = settings_for(infra, topic_prefix, mongo_db_name, platform_dev_secrets=True)
    good = api_key_for("nanning-forum", dev_secret(SECRET_KEY, "nanning-forum"))
    async with running(create_app(settings)) as http:
        forged = GeoReportClient(http, "/open311/v2", api_key_for("nanning-forum", "not-the-platform-secret-000"))
        r = await forged.create(SPEC_EXAMPLE)
        assert r.status_code == 403 and r.json() == [{"code": 403, "description": "api_key is not valid"}]
        x = await forged.create(SPEC_EXAMPLE, "xml")
        assert x.status_code == 403 and xml_rows(x) == [{"code": "403", "description": "api_key is not valid"}]

        client = GeoReportClient(http, "/open311/v2", good)
        unknown = await client.create(SPEC_EXAMPLE | {"service_code": "001"})
        assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
        nowhere = await client.create({k: v for k, v in SPEC_EXAMPLE.items() if k not in ("lat", "long", "address_string")})
        assert nowhere.status_code == 400 and "location" in nowhere.json()[0]["description"]
        assert (await client.request("NN-20990101-000001")).status_code == 404
        # Another platform's request is not this platform's to read.
        other = GeoReportClient(http, "/open311/v2", api_key_for("yongjiang-video", dev_secret(SECRET_KEY, "yongjiang-video")))
        [mine] = (await client.create(SPEC_EXAMPLE)).json()
        assert (await other.request(mine["service_request_id"])).status_code == 404
        assert (await other.requests([mine["service_request_id"]])).json() == []

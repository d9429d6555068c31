"""The snapshot fetcher refuses internal addresses and records vanished hosts, before any
connection is made (the resolver is a test double, so no network is touched)."""
from __future__ import annotations

import ipaddress
import socket
from datetime import UTC, datetime

from libs.common.clock import ManualClock
from services.intake.fetcher import HttpSnapshotFetcher

CLOCK = ManualClock(datetime(2026, 11, 23, 8, tzinfo=UTC))


def _fetcher(answers: dict[str, list[str] | Exception], **kwargs) -> tuple[HttpSnapshotFetcher, list[str]]:
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(f"{host}:{port}")
        answer = answers[host]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return HttpSnapshotFetcher(CLOCK, max_bytes=1000, timeout_s=5, max_redirects=3, resolver=resolve, **kwargs), asked


async def test_a_host_resolving_to_a_private_address_is_refused_not_fetched():
    fetcher, asked = _fetcher({"intranet.example.cn": ["10.0.0.8"]})
    result = await fetcher.fetch("http://intranet.example.cn/admin")
    assert result.outcome == "refused" and result.error == "private:10.0.0.8"
    assert result.sha256 is None and asked == ["intranet.example.cn:80"]


async def test_cloud_metadata_and_literal_loopback_addresses_are_refused():
    fetcher, _ = _fetcher({"169.254.169.254": ["169.254.169.254"], "127.0.0.1": ["127.0.0.1"]})
    assert (await fetcher.fetch("http://169.254.169.254/latest/meta-data")).error == "link_local:169.254.169.254"
    assert (await fetcher.fetch("https://127.0.0.1:8443/")).error == "loopback:127.0.0.1"


async def test_an_allow_listed_network_is_not_refused_by_the_address_check():
    fetcher, _ = _fetcher({"localhost": ["127.0.0.1"]}, allow=[ipaddress.ip_network("127.0.0.1/32")])
    result = await fetcher.fetch("http://localhost:9/")  # port 9 (discard): nothing listens
    assert result.outcome == "error" and "Connect" in (result.error or "")


async def test_a_host_that_no_longer_resolves_is_recorded_as_gone():
    fetcher, _ = _fetcher({"deleted.example.cn": socket.gaierror(socket.EAI_NONAME, "Name or service not known")})
    result = await fetcher.fetch("https://deleted.example.cn/post/1")
    assert result.outcome == "gone" and result.error.startswith("dns:")
    assert result.fetched_at == CLOCK.now()


async def test_an_internationalized_host_is_resolved_in_its_ascii_form():
    fetcher, asked = _fetcher({"xn--fsqu00a.xn--fiqs8s": ["192.168.0.3"]})
    result = await fetcher.fetch("https://例子.中国/帖子")
    assert asked == ["xn--fsqu00a.xn--fiqs8s:443"] and result.outcome == "refused"


async def test_a_url_the_http_client_cannot_parse_is_an_outcome_not_an_exception():
    fetcher, asked = _fetcher({})
    result = await fetcher.fetch("http://ｅxample.com/")  # full-width host: httpx.InvalidURL
    assert result.outcome == "error" and "InvalidURL" in (result.error or "") and asked == []

"""The re-check's URL checker: what counts as gone, and no probing of private addresses."""
from __future__ import annotations

import pytest

from services.dispatch.takedown.urlcheck import HttpUrlChecker, classify, judge_recheck


@pytest.mark.parametrize("status, body, expected", [
    (200, "<p>a video</p>", "online"), (404, "", "gone"), (410, "", "gone"), (451, "", "gone"),
    (200, "<p>该帖子已被删除</p>", "gone"), (503, "", "unknown"), (403, "", "unknown"),
])
def test_classify(status, body, expected):
    assert classify(status, body, ["该帖子已被删除"]) == expected


def test_any_url_still_online_means_not_removed():
    assert judge_recheck(["gone", "online"]) == "still_online"
    assert judge_recheck(["gone", "gone"]) == "removed"
    assert judge_recheck(["gone", "unknown"]) == "retry"
    assert judge_recheck(["refused"]) == "retry"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/x", "http://10.1.2.3/", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data",
    "http://[::1]/", "http://localhost/", "file:///etc/passwd", "gopher://example.com/",
])
async def test_private_addresses_and_other_schemes_are_refused(url):
    checker = HttpUrlChecker()
    assert await checker.refusal(url)
    assert await checker.check(url) == "refused"


async def test_an_allow_listed_host_may_be_checked():
    assert await HttpUrlChecker(allow_hosts=["127.0.0.1"]).refusal("http://127.0.0.1:1/x") is None


async def test_a_server_that_drips_bytes_ends_in_unknown_within_the_deadline():
    import asyncio
    import time

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        try:
            while True:  # one byte every 0.2 s: each read is quick, the whole never ends
                writer.write(b"x")
                await writer.drain()
                await asyncio.sleep(0.2)
        except (ConnectionError, asyncio.CancelledError):
            pass

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    checker = HttpUrlChecker(allow_hosts=["127.0.0.1"], timeout_s=0.5, max_redirects=1)
    started = time.monotonic()
    async with server:
        result = await checker.check(f"http://127.0.0.1:{port}/slow")
    assert result == "unknown" and time.monotonic() - started < 3


async def test_a_url_no_http_client_can_parse_is_refused_not_raised():
    assert await HttpUrlChecker().check("http://ｅxample.com/") in ("refused", "unknown")

"""The re-check's URL checker: what counts as gone, and no probing of private addresses."""
from __future__ import annotations

import pytest

from services.dispatch.urlcheck import HttpUrlChecker, classify, judge_recheck


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

"""Evidence snapshots over the real database and a local web server (loopback allow-listed):
each target URL fetched once after the report is accepted, its bytes hashed, redirects
re-checked, vanished content recorded as gone, and every record chained to the last."""
from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services.intake.app import create_app
from tests.support.intake import running, settings_for, wait_for

PAGE = "<html><body>充值送彩金，日赚千元</body></html>".encode()
OPERATOR = {"Authorization": "Bearer op-token-for-evidence-tests"}


class _Site(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        if self.path == "/post/1":
            self._answer(200, PAGE, [("Content-Type", "text/html; charset=utf-8"), ("X-Site", "bet")])
        elif self.path == "/short":
            self._answer(302, b"", [("Location", "/post/1")])
        elif self.path == "/to-intranet":
            self._answer(302, b"", [("Location", "http://10.20.30.40/admin")])
        elif self.path == "/loop":
            self._answer(302, b"", [("Location", "/loop")])
        elif self.path == "/deleted":
            self._answer(410, b"gone", [])
        elif self.path == "/big":
            self._answer(200, b"x" * 5000, [])
        else:
            self._answer(404, b"not found", [])

    def _answer(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def test_target_urls_are_snapshotted_once_and_chained(infra, topic_prefix, mongo_db_name):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    _Site.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}"
    settings = settings_for(infra, topic_prefix, mongo_db_name, evidence_snapshot=True, snapshot_max_bytes=1000,
                            snapshot_allow_networks="127.0.0.1/32", operator_token="op-token-for-evidence-tests")
    urls = [f"{site}/post/1", f"{site}/short", f"{site}/to-intranet", f"{site}/loop", f"{site}/deleted",
            f"{site}/big", "http://no-such-host.invalid/x"]
    try:
        async with running(create_app(settings), kafka=False) as client:
            first = (await client.post("/api/v1/reports", json={"text": "赌博网站，证据见链接", "target_urls": urls[:4]})).json()
            second = (await client.post("/api/v1/reports", json={"text": "涉赌内容已被删除", "target_urls": urls[4:]})).json()

            async def snapshotted(tracking_no: str) -> dict | None:
                body = (await client.get(f"/api/v1/operator/evidence/{tracking_no}", headers=OPERATOR)).json()
                return body if body["snapshot_state"] == "done" else None

            one = await wait_for(lambda: snapshotted(first["tracking_no"]), timeout=60)
            two = await wait_for(lambda: snapshotted(second["tracking_no"]), timeout=60)
            chain = (await client.get("/api/v1/operator/evidence-chain", headers=OPERATOR)).json()
            nothing = await client.get("/api/v1/operator/evidence-chain")
    finally:
        server.shutdown()

    by_url = {r["requested_url"]: r for r in one["records"] + two["records"]}
    assert set(by_url) == set(urls)
    page = by_url[f"{site}/post/1"]
    assert (page["outcome"], page["status"], page["sha256"]) == ("fetched", 200, hashlib.sha256(PAGE).hexdigest())
    assert ["x-site", "bet"] in [[k.lower(), v] for k, v in page["headers"]] and page["address"] == "127.0.0.1"
    short = by_url[f"{site}/short"]
    assert short["redirects"] == [f"{site}/post/1"] and short["sha256"] == page["sha256"]
    assert by_url[f"{site}/to-intranet"]["outcome"] == "refused"
    assert by_url[f"{site}/to-intranet"]["error"] == "private:10.20.30.40"
    assert by_url[f"{site}/loop"]["outcome"] == "error" and "too_many_redirects" in by_url[f"{site}/loop"]["error"]
    assert by_url[f"{site}/deleted"]["outcome"] == "gone" and by_url[f"{site}/deleted"]["status"] == 410
    assert by_url[f"{site}/big"]["truncated"] is True and by_url[f"{site}/big"]["size"] == 1000
    assert by_url["http://no-such-host.invalid/x"]["outcome"] == "gone"
    assert _Site.hits.count("/post/1") == 2  # once for itself, once behind the short link: no refetch
    assert _Site.hits.count("/loop") == 4  # the URL and three redirects, then it stops

    assert chain["records"] == 7 and chain["intact"] is True and chain["first_broken_seq"] is None
    seqs = sorted(r["seq"] for r in by_url.values())
    assert seqs == list(range(1, 8))
    assert nothing.status_code == 401

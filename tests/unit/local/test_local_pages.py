"""`make run` shows the pages first (deploy/local/demo.py): each URL it prints for them is a
page that answers 200 to a newcomer who has not logged in yet."""
from __future__ import annotations

from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from deploy.local.demo import LOGINS, page_urls
from deploy.local.localenv import PORTS


def test_the_page_urls_make_run_prints_answer_200_without_a_login(tmp_path):
    from services.dispatch.app import create_app as dispatch_app
    from services.dispatch.settings import DispatchSettings
    from services.intake.app import create_app as intake_app
    from services.intake.settings import IntakeSettings

    apps = {PORTS["intake"]: TestClient(intake_app(IntakeSettings(NETREPORT_SECRET_KEY="local-pages-secret-0123",
                                                                  DATA_DIR=str(tmp_path)))),
            PORTS["dispatch"]: TestClient(dispatch_app(DispatchSettings(NETREPORT_SECRET_KEY="local-pages-secret-0123")))}
    logins = [(name, role, department, "pw") for name, role, department, _ in LOGINS]
    urls = page_urls(logins)
    assert [what for what, _, _ in urls][0].startswith("举报表单") and len(urls) == 5
    for _, url, _ in urls:
        parts = urlsplit(url)
        response = apps[parts.port].get(parts.path + (f"?{parts.query}" if parts.query else ""), follow_redirects=False)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")

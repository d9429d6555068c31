"""The pages' access is a reviewed list too (SECURITY.md): the routes kept out of the
OpenAPI document (HTML pages, /metrics) and who may call each."""
from __future__ import annotations

import pytest

PAGE_SURFACE = {
    "intake": {"public": ["GET /", "GET /metrics", "GET /track", "POST /"]},
    "triage": {"public": ["GET /metrics"]},
    "dispatch": {"admin": ["GET /console/audit", "POST /console/duty/plan"],
                 "department": ["GET /desk", "GET /desk/cases/{case_id}", "POST /desk/cases/{case_id}/answer"],
                 "operator": ["GET /console", "GET /console/cases/{case_id}", "GET /console/duty", "GET /console/duty/logs",
                              "GET /console/duty/logs/{shift_id}", "GET /console/reports", "GET /console/review",
                              "GET /console/rumors", "GET /console/rumors/{claim_id}", "GET /console/volunteers",
                              "POST /console/cases/{case_id}/review",
                              "POST /console/duty/checkin", "POST /console/duty/logs/{shift_id}/ack",
                              "POST /console/duty/logs/{shift_id}/notes", "POST /console/duty/pages/{page_id}/{action}",
                              "POST /console/duty/swaps", "POST /console/duty/swaps/{swap_id}/{decision}",
                              "POST /console/rumors/{claim_id}/deliveries/{channel}/republish",
                              "POST /console/rumors/{claim_id}/publish", "POST /console/rumors/{claim_id}/rebuttal",
                              "POST /console/rumors/{claim_id}/verification"],
                 "public": ["GET /login", "GET /metrics", "POST /login", "POST /logout"]},
    "rumor": {"public": ["GET /metrics"]},
}


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from services.dispatch.app import create_app as dispatch_app
    from services.intake.app import create_app as intake_app
    from services.intake.settings import IntakeSettings
    from services.rumor.app import create_app as rumor_app
    from services.triage.app import create_app as triage_app

    intake = intake_app(IntakeSettings(NETREPORT_SECRET_KEY="pages-test-secret-0123",
                                       DATA_DIR=str(tmp_path_factory.mktemp("pages"))))
    return {"intake": intake, "triage": triage_app(), "dispatch": dispatch_app(), "rumor": rumor_app()}


@pytest.mark.parametrize("service", ["intake", "triage", "dispatch", "rumor"])
def test_the_pages_of_each_service_and_their_access_are_exactly_the_reviewed_list(apps: dict, service: str) -> None:
    from libs.common.http.pages import page_routes_by_access

    assert page_routes_by_access(apps[service]) == PAGE_SURFACE[service]

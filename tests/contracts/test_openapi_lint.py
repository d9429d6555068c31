"""The four services' OpenAPI documents pass Redocly's lint (pinned in tools/contracts/, rules
in tools/contracts/redocly.yaml, accepted gaps with reasons in .redocly.lint-ignore.yaml
beside it), and the linter is not vacuous: a route that documents no refusal is caught."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.contracts.clients import TOOLS, npm_tool, run

SERVICES = ("intake", "triage", "dispatch", "rumor")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The four documents, from the apps built but not started (no Kafka or database needed)."""
    from services.dispatch.app import create_app as dispatch_app
    from services.intake.app import create_app as intake_app
    from services.intake.settings import IntakeSettings
    from services.rumor.app import create_app as rumor_app
    from services.triage.app import create_app as triage_app

    data = tmp_path_factory.mktemp("openapi-data")
    intake = intake_app(IntakeSettings(NETREPORT_SECRET_KEY="openapi-test-secret-0123", DATA_DIR=str(data)))
    apps = {"intake": intake, "triage": triage_app(), "dispatch": dispatch_app(), "rumor": rumor_app()}
    return {name: app.openapi() for name, app in apps.items()}


def lint(folder: Path, documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("redocly.yaml", ".redocly.lint-ignore.yaml"):  # the ignore file is read beside the config
        shutil.copy(TOOLS / name, folder / name)
    for name, document in documents.items():
        (folder / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run([npm_tool("redocly"), "lint", *(f"{n}.json" for n in documents), "--config", "redocly.yaml",
                  "--format=json"], what="redocly lint", timeout=180, cwd=folder, check=False)
    reports, text, decoder = [], result.stdout.strip(), json.JSONDecoder()
    while text:  # one JSON report per document, one after the other
        report, end = decoder.raw_decode(text)
        reports.append(report)
        text = text[end:].strip()
    if len(reports) != len(documents):
        pytest.fail(f"redocly lint reported on {len(reports)} of {len(documents)} documents (exit {result.returncode}):\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}", pytrace=False)
    return {"problems": [p for r in reports for p in r["problems"]],
            "errors": sum(r["totals"]["errors"] for r in reports), "warnings": sum(r["totals"]["warnings"] for r in reports)}


def problems(report: dict[str, Any]) -> list[str]:
    return [f"{p['location'][0]['source']['ref']}{p['location'][0]['pointer']}: {p['ruleId']}: {p['message']}"
            for p in report["problems"] if not p.get("ignored")]


def test_every_service_document_passes_the_lint(documents: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    report = lint(tmp_path, documents)
    assert problems(report) == []
    assert (report["errors"], report["warnings"]) == (0, 0)


def test_the_lint_catches_a_route_that_documents_no_refusal(documents: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    broken = json.loads(json.dumps(documents["triage"]))
    broken["paths"]["/api/v1/undocumented"] = {"post": {"summary": "x", "operationId": "undocumented",
                                                        "responses": {"200": {"description": "ok"}}}}
    found = problems(lint(tmp_path, {"triage": broken}))
    assert any("undocumented" in p and "operation-4xx-response" in p for p in found), found
    assert any("undocumented" in p and "security-defined" in p for p in found), found

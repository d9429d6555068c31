"""The AsyncAPI documents as the AsyncAPI Initiative's own tools see them (pinned in
tools/contracts/): `asyncapi validate` accepts both, the vendored JSON Schemas are the
pinned @asyncapi/specs files, and the generator still reads no 3.1 document (the reason the
3.0 rendition is published; when this fails, generators read 3.1 and the rendition can go)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.contracts.clients import ROOT, TOOLS, generate, npm_tool, run

DEPLOY = ROOT / "deploy"


@pytest.mark.parametrize("document", ["asyncapi.yaml", "asyncapi-3.0.yaml"])
def test_the_official_cli_validates_the_document(document: str) -> None:
    result = run([npm_tool("asyncapi"), "validate", str(DEPLOY / document), "--fail-severity=warn"],
                 what=f"asyncapi validate {document}", timeout=120)
    assert "is valid" in result.stdout


def test_vendored_schemas_are_the_pinned_official_ones() -> None:
    for version in ("3.0.0", "3.1.0"):
        official = TOOLS / "node_modules" / "@asyncapi" / "specs" / "schemas" / f"{version}-without-$id.json"
        if not official.exists():
            pytest.fail(f"{official} is missing: run `make contract-tools`", pytrace=False)
        assert (DEPLOY / "asyncapi-schema" / f"asyncapi-{version}.json").read_bytes() == official.read_bytes()


def test_the_generator_reads_no_asyncapi_3_1_document_yet(tmp_path: Path) -> None:
    assert generate("golang", DEPLOY / "asyncapi.yaml", tmp_path / "from-3.1", "--packageName=events") == []
    assert generate("golang", DEPLOY / "asyncapi-3.0.yaml", tmp_path / "from-3.0", "--packageName=events")

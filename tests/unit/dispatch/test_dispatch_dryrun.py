"""The dry-run CLI: JSON lines in, exactly one JSON line per report out, nothing else."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from services.dispatch.dryrun import main

ROOT = Path(__file__).resolve().parents[3]
REPORTS = [
    {"id": "r1", "text": "直播骂人", "channel": "web", "location": "南宁市青秀区新竹街道",
     "category": "vulgar", "zone": None, "severity": "general", "valid": True},
    {"id": "r2", "text": "刷单诈骗", "channel": "miniprogram", "location": "宿迁市宿城区",
     "category": "fraud", "severity": "important", "valid": True},
    {"id": "r3", "text": "aaaa", "channel": "web", "location": None,
     "category": "other", "severity": "general", "valid": False},
    {"id": "r4", "text": "x", "channel": "web", "location": "横州",
     "label": {"category": "rumor", "zone": None, "severity": "emergency", "valid": True}},
]


def run_cli(lines: list[str], tmp_path: Path, directory) -> list[dict]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert main([str(path)], stdout=out, directory=directory) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_dry_run_prints_one_line_per_report_with_division_department_and_deadline(
        tmp_path, directory):
    out = run_cli([json.dumps(r, ensure_ascii=False) for r in REPORTS], tmp_path, directory)
    assert [o["id"] for o in out] == ["r1", "r2", "r3", "r4"]
    assert set(out[0]) == {"id", "division", "department", "transfer_to", "deadline_hours"}
    assert out[0]["division"] == {"code": "450103001", "name": "新竹街道", "level": "township",
                                  "path": ["南宁市", "青秀区", "新竹街道"]}
    assert out[0]["department"] == {"code": "nn-qingxiu-001-office", "kind": "township_office"}
    assert out[0]["deadline_hours"] == 72 and out[0]["transfer_to"] is None


def test_dry_run_reports_transfers_and_leaves_invalid_reports_unrouted(tmp_path, directory):
    out = run_cli([json.dumps(r, ensure_ascii=False) for r in REPORTS], tmp_path, directory)
    assert out[1]["transfer_to"] == "宿迁市"
    assert out[2]["department"] is None and out[2]["deadline_hours"] is None
    assert out[3]["department"]["kind"] == "emergency_center" and out[3]["deadline_hours"] == 4


def test_unreadable_line_gives_an_error_line_and_the_run_goes_on(tmp_path, directory):
    out = run_cli(["{not json", json.dumps({"id": "bad", "category": "nope"}),
                   json.dumps(REPORTS[0], ensure_ascii=False)], tmp_path, directory)
    assert "error" in out[0] and out[1]["id"] == "bad" and "error" in out[1]
    assert out[2]["id"] == "r1"


def test_dry_run_reads_standard_input_and_writes_only_json(tmp_path):
    stdin = "\n".join(json.dumps(r, ensure_ascii=False) for r in REPORTS[:2])
    proc = subprocess.run([sys.executable, "-m", "services.dispatch.dryrun"], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, check=True, timeout=60)
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and all(json.loads(line)["id"] for line in lines)

"""Replay CLI: JSON lines in, only JSON lines out."""
import io
import json
import subprocess
import sys
from pathlib import Path

from services.triage.replay import replay_lines

ROOT = Path(__file__).resolve().parents[3]


def test_replay_prints_only_json_lines_with_the_decision_fields():
    lines = [
        json.dumps({"id": "a", "text": "有人在群里组织网络赌博", "channel": "web", "category_hint": None,
                    "target_url": "https://example.com/x", "target_account": "QQ群 123", "location": "南宁",
                    "label": {"category": "gambling"}}, ensure_ascii=False),
        "",
        json.dumps({"id": "b", "text": "测试一下", "channel": "sms", "category_hint": "nonsense"}),
    ]
    result = subprocess.run([sys.executable, "-m", "services.triage.replay"], input="\n".join(lines),
                            capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert set(out[0]) == {"id", "category", "zone", "severity", "valid", "reasons"}
    assert out[0]["category"] == "gambling" and out[1]["valid"] is False


def test_a_bad_line_gives_an_error_object_and_the_replay_goes_on(rules):
    results = list(replay_lines(io.StringIO('not json\n{"id": "ok", "text": "有人卖淫秽视频"}\n'), rules))
    assert "error" in results[0]
    assert results[1]["id"] == "ok" and results[1]["category"] == "pornography"

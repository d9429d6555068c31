"""The dry-run CLI and the evaluation: JSON lines in, claims out, figures honest."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.eval_rumor import evaluate, pairwise
from services.rumor.clustering.dryrun import BadInput, run

from .conftest import DATA, labelled

ROOT = Path(__file__).resolve().parents[3]


def line(report_id, text, at, **extra):
    return json.dumps({"id": report_id, "text": text, "reported_at": at, "channel": "web", **extra}, ensure_ascii=False)


def test_dryrun_prints_one_line_per_report_in_time_order():
    source = io.StringIO("\n".join([
        line("b", "瘦西湖门票三百？？抢钱啊", "2027-03-02T10:00:00+08:00", location=None, target_url=None),
        line("a", "群里说扬州瘦西湖门票涨到三百块，是真的吗", "2027-03-02T09:00:00+08:00", location="扬州市邗江区"),
        "",
    ]))
    out = io.StringIO()
    assert run(source, out) == 0
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) == {"id", "claim"} and rows[0]["claim"] == rows[1]["claim"]


def test_dryrun_refuses_a_line_that_is_not_a_report():
    with pytest.raises(BadInput, match="line 1"):
        run(io.StringIO('{"id": "x"}\n'), io.StringIO())


def test_dryrun_reads_stdin_and_writes_only_json():
    data = (DATA / "heldout.jsonl").read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "services.rumor.clustering.dryrun"], input=data, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    rows = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(rows) == len(data.splitlines())


def test_pairwise_scores_and_rand_index():
    gold = {"1": "a", "2": "a", "3": "b", "4": "b"}
    assert pairwise(gold, gold) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    split = {"1": "x", "2": "y", "3": "z", "4": "z"}
    assert pairwise(gold, split)["recall"] == 0.5 and pairwise(gold, split)["precision"] == 1.0
    assert evaluate(gold, {k: "one" for k in gold})["ari"] == 0.0


@pytest.mark.parametrize("name, floor", [("fresh-holdout.jsonl", 0.90), ("heldout.jsonl", 0.90), ("tuning.jsonl", 0.88),
                                         ("tuning-varied.jsonl", 0.85), ("tuning-lookalikes.jsonl", 0.75)])
def test_own_labelled_sets_cluster_well(name, floor):
    """tuning.jsonl set the parameters; heldout.jsonl was looked at while tuning; fresh-holdout.jsonl
    (other topics) was written after the parameters were frozen and is the honest generalization check;
    tuning-varied.jsonl (issue 13: paraphrases, numbers quoted or not, look-alikes) tuned the quantity
    features and the synonyms; tuning-lookalikes.jsonl (same kind of rumor, same city, other district or
    other specifics) is the known weak spot (look-alikes merged): its floor records where it stands."""
    reports = labelled(name)
    out = io.StringIO()
    run(io.StringIO("\n".join(r.model_dump_json() for r in reports)), out)
    predicted = {row["id"]: row["claim"] for row in map(json.loads, out.getvalue().splitlines())}
    scores = evaluate({r.id: r.claim for r in reports}, predicted)
    assert scores["f1"] >= floor, scores

"""make eval's table: every set side by side; the unseen set scored only when present."""
from __future__ import annotations

from bench import eval_summary
from services.triage.evaluation import Labelled, headline, recall_of


def test_the_table_says_the_unseen_set_is_absent(monkeypatch, tmp_path):
    monkeypatch.setattr(eval_summary, "UNSEEN", tmp_path / "unseen")
    assert eval_summary.unseen_files() == (None, None)
    columns = {"dev": eval_summary.Column({"category macro-F1": 0.9}, [Labelled("fraud", None, "important", True)])}
    table = eval_summary.table(columns)
    assert "| category macro-F1 | 0.900 |" in table and "absent" in table


def test_unseen_files_are_found_by_kind(monkeypatch, tmp_path):
    (tmp_path / "reports-unseen.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "rumor-clusters-unseen.jsonl").write_text("", encoding="utf-8")
    monkeypatch.setattr(eval_summary, "UNSEEN", tmp_path)
    reports, rumor = eval_summary.unseen_files()
    assert reports.name == "reports-unseen.jsonl" and rumor.name == "rumor-clusters-unseen.jsonl"


def test_urgent_recall_counts_a_major_graded_emergency_as_caught():
    gold = ["major", "emergency", "major", "general"]
    predicted = ["emergency", "important", "major", "major"]
    assert recall_of(gold, predicted, ("emergency", "major")) == 2 / 3
    assert recall_of(gold, predicted, ("major",)) == 1 / 2
    figures = headline([Labelled("fraud", None, g, True) for g in gold],
                       [Labelled("fraud", None, p, True) for p in predicted], ["fraud"])
    assert figures["urgent recall"] == 2 / 3 and figures["severity exact"] == 0.25

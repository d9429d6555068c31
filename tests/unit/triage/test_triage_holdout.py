"""Figures on data/holdout.jsonl: reports written apart from the corpus, never trained on.

A regression guard for the targets on unseen reports (category macro-F1 >= 0.90, severity
exact >= 0.80, validity >= 0.95)."""
import json
from pathlib import Path

from libs.common.vocabulary import CATEGORIES
from services.triage.evaluation import Labelled, summary
from services.triage.replay import replay_record

HOLDOUT = Path(__file__).with_name("data") / "holdout.jsonl"


def test_holdout_figures_meet_the_targets(rules):
    records = [json.loads(line) for line in HOLDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    predicted = [replay_record(r, rules) for r in records]
    figures = summary(
        [Labelled(r["label"]["category"], r["label"]["zone"], r["label"]["severity"], r["label"]["valid"])
         for r in records],
        [Labelled(p["category"], p["zone"], p["severity"], p["valid"]) for p in predicted],
        CATEGORIES,
    )
    assert figures["category_macro_f1"] >= 0.90, figures
    assert figures["severity_accuracy"] >= 0.80, figures
    assert figures["validity_accuracy"] >= 0.95, figures

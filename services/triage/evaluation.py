"""Scoring triage decisions against labels: accuracy, macro-F1, confusion matrix.

Used by `python -m services.triage.train --check` (cross-validation on the corpus) and by
`bench/eval_triage.py` (the shared dev file). Plain Python: no scikit-learn import.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


def accuracy(gold: Sequence[object], predicted: Sequence[object]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(1, len(gold))


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """Mean F1 over `labels` (default: every label in gold)."""
    labels = list(labels) if labels is not None else sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / max(1, len(scores))


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> str:
    """A text confusion matrix: rows are gold labels, columns predictions."""
    counts = Counter(zip(gold, predicted, strict=True))
    short = [label[:6] for label in labels]
    lines = ["gold \\ pred".ljust(16) + " ".join(s.rjust(6) for s in short)]
    for label in labels:
        lines.append(label[:16].ljust(16) + " ".join(str(counts[(label, p)]).rjust(6) for p in labels))
    return "\n".join(lines)


@dataclass(frozen=True)
class Labelled:
    category: str
    zone: str | None
    severity: str
    valid: bool


def summary(gold: Sequence[Labelled], predicted: Sequence[Labelled], categories: Sequence[str]) -> dict[str, float]:
    """The headline figures over every report (an invalid report is category `other`)."""
    pairs = list(zip(gold, predicted, strict=True))
    return {
        "n": float(len(gold)),
        "category_accuracy": accuracy([g.category for g, _ in pairs], [p.category for _, p in pairs]),
        "category_macro_f1": macro_f1([g.category for g, _ in pairs], [p.category for _, p in pairs], categories),
        "zone_accuracy": accuracy([g.zone for g, _ in pairs], [p.zone for _, p in pairs]),
        "severity_accuracy": accuracy([g.severity for g in gold], [p.severity for p in predicted]),
        "validity_accuracy": accuracy([g.valid for g in gold], [p.valid for p in predicted]),
    }


URGENT = ("emergency", "major")


def recall_of(gold: Sequence[str], predicted: Sequence[str], wanted: Sequence[str],
              accepted: Sequence[str] | None = None) -> float | None:
    """Share of gold labels in `wanted` predicted as one of `accepted` (default: `wanted`).
    urgent recall = recall_of(gold, pred, URGENT): a major graded emergency still counts."""
    accepted = wanted if accepted is None else accepted
    hits = [p in accepted for g, p in zip(gold, predicted, strict=True) if g in wanted]
    return sum(hits) / len(hits) if hits else None


def per_label(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, tuple[float, float, float, int]]:
    """(precision, recall, F1, support) per label."""
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = (precision, recall, f1, tp + fn)
    return out


def headline(gold: Sequence[Labelled], predicted: Sequence[Labelled], categories: Sequence[str]) -> dict[str, float | None]:
    """The figures `make eval` puts side by side for every data set."""
    severities_gold, severities_pred = [g.severity for g in gold], [p.severity for p in predicted]
    figures = summary(gold, predicted, categories)
    return {
        "category macro-F1": figures["category_macro_f1"],
        "severity exact": figures["severity_accuracy"],
        "urgent recall": recall_of(severities_gold, severities_pred, URGENT),
        "major recall": recall_of(severities_gold, severities_pred, ("major",)),
        "validity": figures["validity_accuracy"],
        "zone accuracy": figures["zone_accuracy"],
    }

"""Evaluate rumor claim clustering against a file of reports labelled with their true claim.

    python bench/eval_rumor.py [GOLD.jsonl] [--params params.yaml] [--show]

Runs the dry-run CLI (`python -m services.rumor.clustering.dryrun`) over the file, exactly as an
operator would, and prints pairwise precision, recall, F1 and the adjusted Rand index.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "rumor-clusters-dev.jsonl"


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Precision/recall/F1 over report pairs: a pair is positive when both share a claim."""
    ids = sorted(gold)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same_gold, same_pred = gold[a] == gold[b], predicted[a] == predicted[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def evaluate(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    ids = sorted(gold)
    scores = pairwise(gold, predicted)
    scores["ari"] = adjusted_rand_score([gold[i] for i in ids], [predicted[i] for i in ids])
    scores["reports"] = len(ids)
    scores["gold_claims"] = len(set(gold.values()))
    scores["predicted_claims"] = len(set(predicted.values()))
    return scores


def run_dryrun(path: Path, params: str | None) -> dict[str, str]:
    cmd = [sys.executable, "-m", "services.rumor.clustering.dryrun", str(path)]
    cmd += ["--params", params] if params else []
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {row["id"]: row["claim"] for row in map(json.loads, out.splitlines())}


def show_errors(gold: dict[str, str], predicted: dict[str, str]) -> None:
    """Gold claims split over several predicted claims, and predicted claims mixing gold ones."""
    by_gold: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, claim in gold.items():
        by_gold[claim][predicted[rid]] += 1
    by_pred: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, claim in predicted.items():
        by_pred[claim][gold[rid]] += 1
    for claim, parts in sorted(by_gold.items()):
        if len(parts) > 1:
            print(f"split  {claim}: {sorted(parts.values(), reverse=True)}")
    for claim, parts in sorted(by_pred.items()):
        if len(parts) > 1:
            print(f"merged {claim}: {dict(parts)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", default=str(DEFAULT_GOLD))
    parser.add_argument("--params", help="params.yaml to evaluate instead of the shipped one")
    parser.add_argument("--show", action="store_true", help="list split and merged claims")
    args = parser.parse_args()
    path = Path(args.gold)
    gold = {row["id"]: row["claim"] for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if row}
    predicted = run_dryrun(path, args.params)
    scores = evaluate(gold, predicted)
    print(f"file: {path}")
    print(f"reports: {scores['reports']}  gold claims: {scores['gold_claims']}  predicted claims: {scores['predicted_claims']}")
    for name in ("precision", "recall", "f1", "ari"):
        print(f"{'pairwise ' if name != 'ari' else 'adjusted Rand index '}{name if name != 'ari' else ''}: {scores[name]:.3f}".replace(" :", ":"))
    if args.show:
        show_errors(gold, predicted)
    return 0


if __name__ == "__main__":
    sys.exit(main())

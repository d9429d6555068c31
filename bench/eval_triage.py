"""Triage figures on labelled reports (default: the shared dev file, evaluation only).

    python -m bench.eval_triage [--data FILE] [--misses]

Runs the replay logic in-process over JSON lines carrying a `label` object
({category, zone, severity, valid}) and prints category accuracy and macro-F1, zone
accuracy, severity exact accuracy, validity accuracy and a category confusion matrix.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from libs.common.vocabulary import CATEGORIES, SEVERITIES
from services.triage.evaluation import Labelled, confusion, summary
from services.triage.replay import replay_record
from services.triage.rules import load_rules

SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "reports-dev.jsonl"
DEFAULT_DATA = Path(os.environ.get("TRIAGE_EVAL_DATA", SHARED_DEV))


def _labelled(obj: dict[str, Any]) -> Labelled:
    return Labelled(obj["category"], obj.get("zone"), obj["severity"], bool(obj["valid"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--misses", action="store_true", help="list every wrong decision")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"no labelled data at {args.data}: pass --data FILE or set TRIAGE_EVAL_DATA", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rules = load_rules()
    started = time.perf_counter()
    results = [replay_record(r, rules) for r in records]
    elapsed = time.perf_counter() - started
    gold = [_labelled(r["label"]) for r in records]
    predicted = [Labelled(p["category"], p["zone"], p["severity"], p["valid"]) for p in results]
    print(f"triage on {args.data} ({len(records)} reports, {elapsed * 1000 / max(1, len(records)):.2f} ms each)")
    for key, value in summary(gold, predicted, CATEGORIES).items():
        print(f"  {key:20s} {value:.3f}" if key != "n" else f"  {key:20s} {int(value)}")
    print("category confusion (rows gold, columns predicted):")
    print(confusion([g.category for g in gold], [p.category for p in predicted], CATEGORIES))
    print("severity confusion:")
    print(confusion([g.severity for g in gold], [p.severity for p in predicted], SEVERITIES))
    if args.misses:
        for record, g, p in zip(records, gold, predicted, strict=True):
            if g != p:
                print(f"MISS {record['id']}: gold {g.category}/{g.zone}/{g.severity}/{g.valid} "
                      f"got {p.category}/{p.zone}/{p.severity}/{p.valid} | {record['text'][:50]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

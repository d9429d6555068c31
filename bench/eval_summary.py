"""`make eval`: the figures on every evaluation set side by side, in one table.

    python -m bench.eval_summary [--corrections FILE ...] [--detail NAME ...]

Columns: the shared dev file, corpus cross-validation (5 folds), our own held-out set
(bench/holdout/, written apart from the corpus), the unseen sets (bench/unseen/*.jsonl and
bench/unseen2/, written by others blind to the rules; the table says when one is absent) and
our own bench/unseen3/ (written before the rules of issue 13's second round) and
bench/unseen4/ (rumor clustering only, written before the rules of rumor round 6) and bench/unseen5/
(rumor clustering only, written blind after rumor round 7). Only aggregate
figures are printed, never a line of a data set: the unseen set must stay unseen.

With `--corrections`, the model is retrained in memory on the corpus plus the operator
corrections and a second table shows the figures after the retrain (nothing is written).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from bench.eval_rumor import pairwise  # noqa: E402
from libs.common.vocabulary import CATEGORIES, SEVERITIES, ZONES  # noqa: E402
from services.dispatch.directory import Directory, load_directory  # noqa: E402
from services.dispatch.directory.places import resolve_place  # noqa: E402
from services.rumor.clustering.in_memory import cluster_reports  # noqa: E402
from services.rumor.params import default_params  # noqa: E402
from services.rumor.clustering.reports import RumorReport  # noqa: E402
from services.triage.corpus import load_corpus, load_corrections, with_corrections  # noqa: E402
from services.triage.evaluation import Labelled, confusion, headline, per_label  # noqa: E402
from services.triage.replay import replay_record  # noqa: E402
from services.triage.rules import TriageRules, load_rules  # noqa: E402
from services.triage.train import calibrated, cross_validated, train_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
UNSEEN = ROOT / "bench" / "unseen"
UNSEEN2 = ROOT / "bench" / "unseen2"  # a second blind set, written later by other hands (its README)
UNSEEN3 = ROOT / "bench" / "unseen3"  # our own set for issue 13's second round, written before its rules (its README)
UNSEEN4 = ROOT / "bench" / "unseen4"  # our own rumor-only set for rumor round 6, written before its rules (its README)
UNSEEN5 = ROOT / "bench" / "unseen5"  # a rumor-only set written blind after rumor round 7, scored once (its README)
REPORT_SETS = {"dev": SHARED / "reports-dev.jsonl", "own holdout": ROOT / "bench" / "holdout" / "reports-holdout.jsonl"}
RUMOR_SETS = {"dev": SHARED / "rumor-clusters-dev.jsonl",
              "corpus CV": ROOT / "tests" / "unit" / "rumor" / "data" / "tuning.jsonl",
              "own holdout": ROOT / "bench" / "holdout" / "rumor-clusters-holdout.jsonl"}
COLUMNS = ("dev", "corpus CV", "own holdout", "unseen", "unseen2", "unseen3", "unseen4", "unseen5")
ROWS = ("category macro-F1", "category macro-F1, our convention", "severity exact", "urgent recall", "major recall", "validity", "zone accuracy",
        "place: other city transferred", "place: home county placed", "rumor pairwise F1",
        "rumor pairwise precision", "rumor pairwise recall")


def unseen_files(directory: Path | None = None) -> tuple[Path | None, Path | None]:
    """(reports file, rumor-clusters file) of bench/unseen/ (or `directory`), None when absent."""
    directory = directory or UNSEEN
    files = sorted(directory.glob("*.jsonl")) if directory.is_dir() else []
    rumor = next((f for f in files if "rumor" in f.name), None)
    reports = next((f for f in files if "rumor" not in f.name), None)
    return reports, rumor


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _labelled(label: dict[str, Any]) -> Labelled:
    return Labelled(label["category"], label.get("zone"), label["severity"], bool(label["valid"]))


def our_convention(gold: Labelled) -> Labelled:
    """Gold relabelled to the project's convention where a set labels differently: organized
    abuse of a person (zone cyberbullying) is category infringement (侵权: reputation,
    privacy), as enterprise infringement is (services/triage/README.md). bench/unseen/ labels
    it `other`; the row "category macro-F1" keeps each set's own labels."""
    if gold.zone == "cyberbullying" and gold.category == "other":
        return dataclasses.replace(gold, category="infringement")
    return gold


def triage_run(records: list[dict[str, Any]], rules: TriageRules) -> tuple[list[Labelled], list[Labelled]]:
    predicted = [replay_record(r, rules) for r in records]
    return ([_labelled(r["label"]) for r in records],
            [Labelled(p["category"], p["zone"], p["severity"], p["valid"]) for p in predicted])


def place_figures(records: list[dict[str, Any]], directory: Directory) -> dict[str, float | None]:
    """Other-city reports transferred to that city; home-city reports placed in their county."""
    home = directory.city.name
    transferred: list[bool] = []
    county_placed: list[bool] = []
    for record in records:
        place = record["label"].get("place") or {}
        if not place.get("city"):
            continue
        placement = resolve_place(record.get("location"), record.get("region_code"), directory,
                                  text=record.get("text"))
        if place["city"] != home:
            transferred.append(placement.transfer_to == place["city"])
        elif place.get("county"):
            node = directory.ancestor_at(placement.division.code, "county")
            county_placed.append(node is not None and node.name == place["county"])
    share = lambda xs: sum(xs) / len(xs) if xs else None  # noqa: E731
    return {"place: other city transferred": share(transferred), "place: home county placed": share(county_placed)}


def rumor_scores(path: Path) -> dict[str, float]:
    """Pairwise F1, precision (merged look-alikes lower it) and recall (split claims lower it)."""
    rows = _records(path)
    reports = [RumorReport.model_validate(r) for r in rows]
    predicted = {r.id: p.claim_id for r, _, p in cluster_reports(reports, default_params())}
    scores = pairwise({r["id"]: r["claim"] for r in rows}, predicted)
    return {"rumor pairwise F1": scores["f1"], "rumor pairwise precision": scores["precision"],
            "rumor pairwise recall": scores["recall"]}


@dataclasses.dataclass
class Column:
    figures: dict[str, float | None]
    gold: list[Labelled] = dataclasses.field(default_factory=list)
    predicted: list[Labelled] = dataclasses.field(default_factory=list)


def evaluate(rules: TriageRules, directory: Directory, extra: Sequence[Any] = (),
             unseen: Path | None = None) -> dict[str, Column]:
    unseen_reports, unseen_rumor = unseen_files(unseen)
    sets, rumors = dict(REPORT_SETS), dict(RUMOR_SETS)
    extra_sets = {"unseen": (unseen_reports, unseen_rumor)}
    if unseen is None:
        extra_sets |= {"unseen2": unseen_files(UNSEEN2), "unseen3": unseen_files(UNSEEN3),
                       "unseen4": unseen_files(UNSEEN4), "unseen5": unseen_files(UNSEEN5)}
    for name, (reports_file, rumor_file) in extra_sets.items():
        if reports_file:
            sets[name] = reports_file
        if rumor_file:
            rumors[name] = rumor_file
    columns: dict[str, Column] = {}
    for name, path in sets.items():
        if path.exists():
            with _quiet(name):
                records = _records(path)
                gold, predicted = triage_run(records, rules)
                figures = headline(gold, predicted, CATEGORIES) | place_figures(records, directory)
                figures["category macro-F1, our convention"] = headline(
                    [our_convention(g) for g in gold], predicted, CATEGORIES)["category macro-F1"]
                columns[name] = Column(figures, gold, predicted)
    gold, predicted = cross_validated(rules, load_corpus(), extra=extra)
    columns["corpus CV"] = Column(dict(headline(gold, predicted, CATEGORIES)), gold, predicted)
    for name, path in rumors.items():
        if path.exists():
            with _quiet(name):
                columns.setdefault(name, Column({})).figures.update(rumor_scores(path))
    return columns


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """A set that cannot be scored is named with the kind of error only: an error message
    can quote a line (pydantic does), and the unseen set's lines must stay unseen."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001
        print(f"{name}: not scored ({type(exc).__name__})", file=sys.stderr)


def table(columns: dict[str, Column]) -> str:
    cell = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    lines = ["| figure | " + " | ".join(COLUMNS) + " |", "| --- |" + " --- |" * len(COLUMNS)]
    for row in ROWS:
        values = [cell(columns[c].figures.get(row)) if c in columns else "absent" for c in COLUMNS]
        lines.append(f"| {row} | " + " | ".join(values) + " |")
    sizes = [str(len(columns[c].gold)) if c in columns and columns[c].gold else "—" for c in COLUMNS]
    lines.append("| reports | " + " | ".join(sizes) + " |")
    return "\n".join(lines)


def detail(name: str, column: Column) -> str:
    gold_c, pred_c = [g.category for g in column.gold], [p.category for p in column.predicted]
    lines = [f"{name}: per category (precision / recall / F1 / support)"]
    for label, (p, r, f, n) in per_label(gold_c, pred_c, CATEGORIES).items():
        lines.append(f"  {label:16s} {p:.3f} {r:.3f} {f:.3f} {n:4d}")
    lines.append(f"{name}: category confusion (rows gold, columns predicted)")
    lines.append(confusion(gold_c, pred_c, CATEGORIES))
    zones = ["none", *ZONES]
    lines.append(f"{name}: zone confusion (rows gold, columns predicted; none = no zone)")
    lines.append(confusion([g.zone or "none" for g in column.gold], [p.zone or "none" for p in column.predicted], zones))
    lines.append(f"{name}: severity confusion")
    lines.append(confusion([g.severity for g in column.gold], [p.severity for p in column.predicted], SEVERITIES))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corrections", type=Path, action="append", default=[],
                        help="operator corrections (dev-file JSON lines): show figures after a retrain too")
    parser.add_argument("--unseen", type=Path, default=None,
                        help=f"folder of the unseen set (default {UNSEEN}); only figures are printed")
    parser.add_argument("--detail", action="append", default=None,
                        help="sets to break down per category (default: unseen and own holdout)")
    args = parser.parse_args(argv)
    rules, directory = load_rules(), load_directory()
    reports, rumor = unseen_files(args.unseen)
    print(f"unseen set: {reports or 'absent'} / {rumor or 'absent'}"
          + ("" if reports or rumor else f" (copy the files into {UNSEEN} to score them)"))
    columns = evaluate(rules, directory, unseen=args.unseen)
    print("\nbefore retrain (shipped model)\n" + table(columns))
    for name in args.detail or ["own holdout", "unseen"]:
        if name in columns and columns[name].gold:
            print("\n" + detail(name, columns[name]))
    if args.corrections:
        corrections = [e for path in args.corrections for e in load_corrections(path)]
        examples = with_corrections(load_corpus(), corrections)
        model = calibrated(train_model(examples, rules), examples, rules)  # exactly as train.py ships it
        after = evaluate(dataclasses.replace(rules, model=model), directory, extra=corrections, unseen=args.unseen)
        print(f"\nafter retrain with {len(corrections)} corrections (in memory; "
              f"`python -m services.triage.train --corrections FILE` writes it)\n" + table(after))
    return 0


if __name__ == "__main__":
    sys.exit(main())

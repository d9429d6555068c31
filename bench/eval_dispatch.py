"""Evaluate dispatch placement against the labelled dev reports (evaluation only).

    .venv/bin/python bench/eval_dispatch.py [PATH] [--show-misses]

Each line's `label` (category, zone, severity, valid) is the triage input; the placement
is compared with `label.place` {province, city, county, township}. A report without a
labelled city is expected to stay at the center's own city with no transfer.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.dispatch.deadlines import load_deadline_policy  # noqa: E402
from services.dispatch.directory import Directory, load_directory  # noqa: E402
from services.dispatch.dryrun import DryRunReport, dispatch_one  # noqa: E402
from services.dispatch.directory.places import Placement  # noqa: E402
from services.dispatch.routing import load_routing_policy  # noqa: E402

DEFAULT_PATH = Path("/work/shared/data/reports-dev.jsonl")


def placed_names(placement: Placement, directory: Directory) -> dict[str, str | None]:
    """City, county and township names of the division a case was placed in."""
    names: dict[str, str | None] = {"city": None, "county": None, "township": None}
    for level in names:
        node = directory.ancestor_at(placement.division.code, level)
        names[level] = node.name if node else None
    return names


class Tally:
    def __init__(self) -> None:
        self.right: Counter[str] = Counter()
        self.total: Counter[str] = Counter()

    def add(self, metric: str, ok: bool) -> None:
        self.total[metric] += 1
        self.right[metric] += ok

    def line(self, metric: str, label: str) -> str:
        n, k = self.total[metric], self.right[metric]
        share = f"{100 * k / n:5.1f}%" if n else "  n/a"
        return f"{label:<44} {share}  ({k}/{n})"


def score_line(raw: dict[str, Any], placement: Placement, directory: Directory,
               tally: Tally) -> list[str]:
    """Placement against the label; transfers judged on the placement (an invalid report
    is not dispatched at all, but where it would have gone is still checked)."""
    place = raw["label"].get("place") or {}
    got = placed_names(placement, directory)
    own_city = directory.city.name
    want_city = place.get("city") or own_city
    want_transfer = want_city if want_city != own_city else None
    misses = []
    checks = [("city", got["city"] == want_city),
              ("transfer", placement.transfer_to == want_transfer)]
    if place.get("city"):
        checks.append(("city_labelled", got["city"] == want_city))
    checks.append(("county_all", got["county"] == place.get("county")))
    if place.get("county"):
        checks.append(("county", got["county"] == place["county"]))
    if place.get("township"):
        checks.append(("township", got["township"] == place["township"]))
    for metric, ok in checks:
        tally.add(metric, ok)
        if not ok:
            misses.append(metric)
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    directory, routing, deadlines = load_directory(), load_routing_policy(), load_deadline_policy()
    tally, kinds = Tally(), Counter[str]()
    for text in args.path.read_text(encoding="utf-8").splitlines():
        if not text.strip():
            continue
        raw = json.loads(text)
        placement, result, out = dispatch_one(DryRunReport.from_line(raw), directory=directory,
                                   routing=routing, deadlines=deadlines)
        handler = (out["department"] or {}).get("kind", "not routed")
        kinds["transfer" if result.transfer_to else handler] += 1
        misses = score_line(raw, placement, directory, tally)
        if misses and args.show_misses:
            print(f"  miss {raw['id']} {misses}: {raw.get('location')!r} -> "
                  f"{placement.division.path} transfer={placement.transfer_to}")
    print(f"dispatch placement on {args.path.name}: {tally.total['city']} reports")
    for metric, label in [("city", "city accuracy (unlabelled = own city)"),
                          ("city_labelled", "city accuracy (labelled city only)"),
                          ("county", "county accuracy (labelled county only)"),
                          ("county_all", "county accuracy (incl. no county expected)"),
                          ("township", "township accuracy (labelled township only)"),
                          ("transfer", "transfer correctness")]:
        print(tally.line(metric, label))
    print("handlers: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

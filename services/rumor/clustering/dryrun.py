"""Dry run of claim clustering: rumor reports as JSON lines in, `{"id", "claim"}` lines out.

    python -m services.rumor.clustering.dryrun [FILE] [--params params.yaml] [--explain]

Reads FILE (or stdin), processes the reports in `reported_at` order with the same
assign/absorb functions the service uses, over an in-memory candidate index, and prints
only JSON lines on stdout. Reports put in one claim share the `claim` value.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import TextIO

from pydantic import ValidationError

from services.rumor.clustering.in_memory import cluster_reports
from services.rumor.params import default_params, load_params
from services.rumor.clustering.reports import RumorReport


class BadInput(Exception):
    """A line that is not a rumor report; the message names the line and the field."""


def read_reports(lines: Iterable[str]) -> list[RumorReport]:
    reports = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            reports.append(RumorReport.model_validate_json(line))
        except ValidationError as exc:
            raise BadInput(f"line {number}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
    return reports


def run(source: TextIO, out: TextIO, *, params_path: str | None = None, explain: bool = False) -> int:
    params = load_params(params_path) if params_path else default_params()
    for report, decision, profile in cluster_reports(read_reports(source), params):
        row: dict[str, object] = {"id": report.id, "claim": profile.claim_id}
        if explain:
            row |= {"new": decision.is_new, "score": decision.score,
                    "reasons": [r.model_dump(exclude_defaults=True) for r in decision.reasons]}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.rumor.clustering.dryrun", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="JSON lines of rumor reports (default: stdin)")
    parser.add_argument("--params", help="a params.yaml to use instead of the shipped one")
    parser.add_argument("--explain", action="store_true", help="add score and reasons to each line")
    args = parser.parse_args(argv)
    try:
        if args.file:
            with open(args.file, encoding="utf-8") as source:
                return run(source, sys.stdout, params_path=args.params, explain=args.explain)
        return run(sys.stdin, sys.stdout, params_path=args.params, explain=args.explain)
    except (BadInput, OSError) as exc:
        print(f"cluster_dryrun: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

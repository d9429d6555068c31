"""Throughput of triage on one core: reports per second.

    python -m bench.bench_classifier [--seconds 5]

Pins the process to one CPU and one BLAS thread, then runs the full decision (normalize,
term scan, model, severity) and the case-merge keys over the corpus texts in a loop.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from libs.common.events import ReportContent  # noqa: E402
from services.triage.cases import merge_keys  # noqa: E402
from services.triage.corpus import load_corpus  # noqa: E402
from services.triage.decide import triage  # noqa: E402
from services.triage.rules import load_rules  # noqa: E402


def _rate(work: Callable[[ReportContent], object], reports: list[ReportContent], seconds: float) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for report in reports:
            work(report)
        done += len(reports)
    return done / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    started = time.perf_counter()
    rules = load_rules()
    load_ms = (time.perf_counter() - started) * 1000
    reports = [ReportContent(report_id=e.source, tracking_no=e.source, channel="web", text=e.text)
               for e in load_corpus()]
    mean_chars = sum(len(r.text) for r in reports) / len(reports)
    print(f"rules and model load: {load_ms:.0f} ms; {len(reports)} distinct reports, {mean_chars:.0f} chars on average")
    print(f"triage():      {_rate(lambda r: triage(r, rules), reports, args.seconds):8.0f} reports/s on one core")
    print(f"merge_keys():  {_rate(merge_keys, reports, args.seconds):8.0f} reports/s on one core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

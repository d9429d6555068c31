"""Build reports-tuning.jsonl and rumor-tuning.jsonl from the hand-written reports.txt and rumors.txt (deterministic; the rules are
bench/handwritten.py's, the same as unseen3's).

    python -m bench.tuning.build
"""
from __future__ import annotations

from pathlib import Path

from bench.handwritten import build_reports, build_rumors, write

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    write(HERE / "reports-tuning.jsonl", build_reports(HERE, "tune"))
    write(HERE / "rumor-tuning.jsonl", build_rumors(HERE, "tr"))

"""Build reports-unseen3.jsonl and rumor-clusters-unseen3.jsonl from the hand-written
reports.txt and rumors.txt (deterministic; the rules are bench/handwritten.py's).

    python -m bench.unseen3.src.build
"""
from __future__ import annotations

from pathlib import Path

from bench.handwritten import build_reports, build_rumors, write

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    write(HERE.parent / "reports-unseen3.jsonl", build_reports(HERE, "u3"))
    write(HERE.parent / "rumor-clusters-unseen3.jsonl", build_rumors(HERE, "u3r"))

"""Build rumor-tuning6.jsonl from the hand-written rumors.txt (deterministic; the rules are
bench/handwritten.py's). TUNING data for rumor clustering: read its errors, fix classes of error.

    python -m bench.tuning6.src.build
"""
from __future__ import annotations

from pathlib import Path

from bench.handwritten import build_rumors, write

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    write(HERE.parent / "rumor-tuning6.jsonl", build_rumors(HERE, "t6r"))

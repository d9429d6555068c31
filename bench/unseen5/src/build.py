"""Build rumor-clusters-unseen5.jsonl from the hand-written rumors.txt (deterministic; the
rules are bench/handwritten.py's). This set scores rumor clustering only.

    python -m bench.unseen5.src.build
"""
from __future__ import annotations

from pathlib import Path

from bench.handwritten import build_rumors, write

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    write(HERE.parent / "rumor-clusters-unseen5.jsonl", build_rumors(HERE, "u5r"))

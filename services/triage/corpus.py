"""The training corpus: labelled report texts written for this project (corpus/*.txt).

Format, one report a line: `<zone or -> <severity> <text>`; the file name is the category,
and `invalid.txt` holds reports that are not about online harmful content.

Operators' corrections (a review queue's output) come as JSON lines in the dev file's
shape: `text` and a `label` {category, zone, severity, valid} (or those keys at the top
level); `with_corrections` lets a correction replace the corpus line with the same text.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from libs.common.vocabulary import CATEGORIES, SEVERITIES, ZONES

CORPUS_DIR = Path(__file__).with_name("corpus")
INVALID = "invalid"  # the model's extra category class: not a report of online harm
NO_ZONE = "none"


@dataclass(frozen=True)
class Example:
    text: str
    category: str  # one of CATEGORIES, or INVALID
    zone: str  # one of ZONES, or NO_ZONE
    severity: str
    source: str  # file:line, for error messages and audits

    @property
    def valid(self) -> bool:
        return self.category != INVALID


def _parse_line(line: str, category: str, source: str) -> Example:
    parts = line.split(maxsplit=2)
    if len(parts) != 3:
        raise ValueError(f"{source}: expected '<zone|-> <severity> <text>'")
    zone, severity, text = parts
    zone = NO_ZONE if zone == "-" else zone
    if zone != NO_ZONE and zone not in ZONES:
        raise ValueError(f"{source}: unknown zone {zone!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"{source}: unknown severity {severity!r}")
    return Example(text=text.strip(), category=category, zone=zone, severity=severity, source=source)


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    names = [*CATEGORIES, INVALID]
    return [directory / f"{name}.txt" for name in names if (directory / f"{name}.txt").exists()]


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    examples: list[Example] = []
    for path in corpus_files(directory):
        category = path.stem
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if line and not line.startswith("#"):
                examples.append(_parse_line(line, category, f"{path.name}:{number}"))
    return examples


def corpus_digest(directory: Path = CORPUS_DIR) -> str:
    """A hash of the corpus files: the model records it so a stale model is detectable."""
    digest = hashlib.sha256()
    for path in corpus_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _correction(record: dict[str, Any], source: str) -> Example:
    label = record.get("label") if isinstance(record.get("label"), dict) else record
    text = str(record.get("text") or "").strip()
    if not text:
        raise ValueError(f"{source}: a correction needs a text")
    valid = bool(label.get("valid", True))
    category = str(label.get("category") or "") if valid else INVALID
    if valid and category not in CATEGORIES:
        raise ValueError(f"{source}: unknown category {category!r}")
    zone = label.get("zone") or NO_ZONE
    if zone != NO_ZONE and zone not in ZONES:
        raise ValueError(f"{source}: unknown zone {zone!r}")
    severity = str(label.get("severity") or "general")
    if severity not in SEVERITIES:
        raise ValueError(f"{source}: unknown severity {severity!r}")
    return Example(text=text, category=category, zone=zone if valid else NO_ZONE, severity=severity, source=source)


def load_corrections(path: Path) -> list[Example]:
    """Operator corrections, JSON lines; a bad line fails with its file and line number."""
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.strip():
            examples.append(_correction(json.loads(raw), f"{path.name}:{number}"))
    return examples


def with_corrections(corpus: Sequence[Example], corrections: Iterable[Example]) -> list[Example]:
    """The corpus with every correction added; a correction replaces a line of the same text."""
    fixes = {e.text: e for e in corrections}
    return [e for e in corpus if e.text not in fixes] + list(fixes.values())


def corrections_digest(paths: Sequence[Path]) -> str | None:
    if not paths:
        return None
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

"""One way to read an operator-edited rule file: YAML in, a validated pydantic model out.

Every service keeps its rule data in its own `rules/` folder and reads each file through
`load_rule_file`, so a typo fails the load with the file and the field (the models forbid
unknown keys) and never reaches a decision. Triage's `RulesHolder` reloads on change over
the same kind of models.
"""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: str | Path) -> object:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def load_rule_file(model: type[M], path: str | Path, *, empty_ok: bool = False) -> M:
    """Read and validate `path`; an empty file means the defaults only if `empty_ok`."""
    raw = read_yaml(path)
    if not raw and empty_ok:  # an empty file (or an empty document) is "no overrides"
        raw = {}
    return model.model_validate(raw)

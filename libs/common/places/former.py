"""Former names of divisions (横县 -> 横州市): one list, `former_names.yaml`, for every resolver.

The national table knows a division by its present name only, and reporters keep writing the
old one for years. Dispatch and rumor both read this list; how much a former name says is the
caller's, as for an official name of the same length.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import BeforeValidator, RootModel, StringConstraints, model_validator

from libs.common.places.divisions import read_divisions
from libs.common.rulefile import load_rule_file

FORMER_NAMES = Path(__file__).with_name("former_names.yaml")
Code = Annotated[str, BeforeValidator(str), StringConstraints(pattern=r"^\d{6}$")]


class FormerNames(RootModel[dict[str, Code]]):
    """former name -> the code of the division it became."""

    @model_validator(mode="after")
    def _codes_in_the_table(self) -> FormerNames:
        # A code the table lacks would place reports nowhere, silently.
        nodes = read_divisions()
        unknown = sorted(f"{name}: {code}" for name, code in self.root.items() if code not in nodes)
        if unknown:
            raise ValueError(f"codes not in the division table: {', '.join(unknown)}")
        return self


@lru_cache(maxsize=2)
def former_names(path: Path = FORMER_NAMES) -> Mapping[str, str]:
    """The list as former name -> code, read-only: every caller shares one copy."""
    return MappingProxyType(load_rule_file(FormerNames, path).root)

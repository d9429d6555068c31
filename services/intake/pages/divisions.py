"""Pure: the division picker of the report form (区县、街道（乡镇）), from the city's
jurisdiction directory — the same file dispatch places cases with, read as data, so a code
picked on the form is one dispatch knows."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from libs.common.settings import REPO_ROOT

DIRECTORY_FILE = REPO_ROOT / "services" / "dispatch" / "directory" / "nanning.yaml"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    townships: tuple[tuple[str, str], ...]  # (code, name)


def load_divisions(path: Path = DIRECTORY_FILE) -> tuple[str, tuple[County, ...]]:
    """(the city's name, its counties with their townships); empty when the file is missing."""
    if not path.exists():
        return "", ()
    city = yaml.safe_load(path.read_text(encoding="utf-8"))["city"]
    counties = tuple(County(str(c["code"]), str(c["name"]),
                            tuple((str(t["code"]), str(t["name"])) for t in c.get("townships", [])))
                     for c in city.get("counties", []))
    return str(city["name"]), counties

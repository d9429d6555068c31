"""Rumor's word lists kept current: an operator's edit to `rules/places.yaml`, `synonyms.yaml`,
`objects.yaml`, `dialect.yaml`, `related.yaml`, `stopwords.txt` or `corpus.txt` applies to the next report.

The clustering modules build their tables from these files once (the gazetteer, the synonym
and object maps, the IDF) and keep them. After an edit, every file is read and validated
afresh first; only when all of them load are the tables dropped, to be rebuilt at the next
report. An edit that does not load leaves the tables that work (libs.common.rulefile).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from libs.common.rulefile import Reloading, load_rule_file
from services.rumor import params
from services.rumor.clustering import facts, features, gazetteer, normalize, similarity, sites, townships

YAML_LISTS = {"places.yaml": (params.PlaceNames, False), "synonyms.yaml": (params.Synonyms, True),
              "objects.yaml": (params.Objects, True), "dialect.yaml": (params.Dialect, True),
              "related.yaml": (params.Related, True)}
TEXT_LISTS = ("stopwords.txt", "corpus.txt")


def files(directory: Path) -> list[Path]:
    return [directory / name for name in (*YAML_LISTS, *TEXT_LISTS)]


def check(directory: Path) -> None:
    """Raise, naming the file and the field, if any word list does not load."""
    loaded = {name: load_rule_file(model, directory / name, empty_ok=empty_ok)
              for name, (model, empty_ok) in YAML_LISTS.items()}
    concepts = set(loaded["synonyms.yaml"].root)
    for group in loaded["related.yaml"].root:
        unknown = sorted(set(group) - concepts)
        if unknown:
            raise ValueError(f"{directory / 'related.yaml'}: {', '.join(unknown)}: not a concept of synonyms.yaml")
    for name in TEXT_LISTS:
        (directory / name).read_text(encoding="utf-8")


def forget_tables() -> None:
    for cached in (params.place_names, params.synonyms, params.objects, params.dialect, params.related,
                   facts._related_pairs, normalize._dialect,
                   sites._vocabulary, gazetteer.load_gazetteer, features.corpus_idf, features.featurize,
                   facts._object_words, townships.township_counties, similarity.stopwords, similarity._synonyms):
        cached.cache_clear()


def watched(directory: Path | None = None, *, check_interval: float = 2.0,
            clock: Callable[[], float] = time.monotonic) -> Reloading[None]:
    """Checked at each report (`get()`); the first load only validates what the tables were built from."""
    def load() -> None:
        where = directory or params.RULES_DIR
        check(where)
        forget_tables()

    return Reloading(load, lambda: files(directory or params.RULES_DIR), name="rumor.word_lists",
                     check_interval=check_interval, clock=clock)

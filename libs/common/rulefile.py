"""One way to read an operator-edited rule file: YAML in, a validated pydantic model out.

Every service keeps its rule data in its own `rules/` folder and reads each file through
`load_rule_file`, so a typo fails the load with the file and the field (the models forbid
unknown keys) and never reaches a decision.

A running service holds its rules in a `Reloading` (or a `Fixed` in tests and one-shot
tools) and asks `get()` where it decides: an operator's edit takes effect within a few
seconds without a restart, and an edit that fails to load is logged, counted
(`netreport_rule_reloads_total{outcome="failed"}`, and `netreport_rule_edit_refused` is 1
until a good edit, which the RuleEditRefused alert reads) and ignored, so the rules that worked
stay in force.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import yaml
from pydantic import BaseModel

from libs.common import metrics
from libs.common.logs import get_logger

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

log = get_logger(__name__)


def read_yaml(path: str | Path) -> object:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def load_rule_file(model: type[M], path: str | Path, *, empty_ok: bool = False) -> M:
    """Read and validate `path`; an empty file means the defaults only if `empty_ok`."""
    raw = read_yaml(path)
    if not raw and empty_ok:  # an empty file (or an empty document) is "no overrides"
        raw = {}
    return model.model_validate(raw)


class Rules(Protocol[T_co]):
    def get(self) -> T_co: ...


@dataclass(frozen=True)
class Fixed(Generic[T]):
    """Rules that never change: tests, dry runs, one-shot commands."""
    value: T

    def get(self) -> T:
        return self.value


class Reloading(Generic[T]):
    """The current rules; `get()` reloads them when a watched file changed.

    Files are stat-ed at most every `check_interval` seconds, so calling `get()` per message
    is cheap. `files` is asked again after each load because a rule set may add a file.
    `clock` is injected so tests move time instead of sleeping.
    """

    def __init__(self, load: Callable[[], T], files: Callable[[], Iterable[Path]], *, name: str,
                 check_interval: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self._load, self._list_files = load, files
        self._interval, self._clock = check_interval, clock
        self._value = load()
        self._files = tuple(files())
        self._stamp = self._mtimes()
        self._checked_at = clock()
        metrics.RULE_EDIT_REFUSED.labels(rules=name).set(0)

    def _mtimes(self) -> tuple[int, ...]:
        return tuple(p.stat().st_mtime_ns if p.exists() else -1 for p in self._files)

    def get(self) -> T:
        now = self._clock()
        if now - self._checked_at >= self._interval:
            self._checked_at = now
            self._reload_if_changed()
        return self._value

    def _reload_if_changed(self) -> None:
        stamp = self._mtimes()
        if stamp == self._stamp:
            return
        self._stamp = stamp  # a failed load is not retried until a file changes again
        try:
            value, files = self._load(), tuple(self._list_files())
        except Exception as exc:  # a bad edit must not stop the service: keep the rules that worked
            metrics.RULE_RELOADS.labels(rules=self.name, outcome="failed").inc()
            metrics.RULE_EDIT_REFUSED.labels(rules=self.name).set(1)
            log.error("rules_reload_failed", rules=self.name, error=str(exc), kept="previous rules")
            return
        self._value, self._files = value, files
        self._stamp = self._mtimes()
        metrics.RULE_RELOADS.labels(rules=self.name, outcome="loaded").inc()
        metrics.RULE_EDIT_REFUSED.labels(rules=self.name).set(0)
        log.info("rules_reloaded", rules=self.name, files=[str(p) for p in files])


def watching(path: str | Path, load: Callable[[Path], T], *, name: str, check_interval: float = 2.0,
             clock: Callable[[], float] = time.monotonic) -> Reloading[T]:
    """`load(path)` now, and again whenever the file changes (the service's own loader, checks included)."""
    path = Path(path)
    return Reloading(lambda: load(path), lambda: (path,), name=name, check_interval=check_interval, clock=clock)

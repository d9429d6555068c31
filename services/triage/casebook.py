"""Pure: the cases a batch of reports may join, held in memory while the batch is placed.

The store loads, in two reads for the whole batch, every case any report of the batch can
join by its keys; reports are then placed one after another, in order, against this book,
so a report joins a case opened or joined by an earlier report of the same batch exactly
as if they had come one by one. The book records what changed, for one bulk write.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.triage.merge import CaseCandidate, is_target_key

RECENT_KEPT = 200  # report times kept per case for the volume rule


@dataclass
class BookCase:
    case_id: str
    merge_keys: set[str]
    signature: Sequence[int] | None
    report_count: int
    recent: list[datetime]
    is_new: bool = False
    report_ids: set[str] = field(default_factory=set)

    def candidate(self) -> CaseCandidate:
        return CaseCandidate(self.case_id, frozenset(self.merge_keys), self.signature)


@dataclass
class Joined:
    """One report joining an existing case: the write that records it."""

    case_id: str
    report_id: str
    new_keys: list[str]
    at: datetime


@dataclass
class CaseBook:
    cases: dict[str, BookCase] = field(default_factory=dict)
    by_key: dict[str, list[str]] = field(default_factory=dict)
    opened: list[tuple[BookCase, str, datetime]] = field(default_factory=list)  # (case, first report, at)
    joined: list[Joined] = field(default_factory=list)
    keys_added: dict[str, list[str]] = field(default_factory=dict)  # key -> case ids to index under it
    keys_known: set[str] = field(default_factory=set)  # keys the index had when the book was loaded

    def add(self, case: BookCase) -> None:
        self.cases[case.case_id] = case
        for key in case.merge_keys:
            self.by_key.setdefault(key, []).append(case.case_id)

    def case_of(self, report_id: str) -> BookCase | None:
        """The case that lists this report already: a triage killed after storing the case
        and before storing its decision judges the report again on redelivery."""
        return next((case for case in self.cases.values() if report_id in case.report_ids), None)

    def candidates(self, keys: Sequence[str]) -> list[CaseCandidate]:
        ids = dict.fromkeys(cid for key in keys for cid in self.by_key.get(key, ()))
        return [self.cases[cid].candidate() for cid in ids]

    def open(self, case_id: str, report_id: str, keys: Sequence[str], signature: Sequence[int] | None,
             now: datetime) -> BookCase:
        case = BookCase(case_id, set(keys), signature, 1, [now], is_new=True, report_ids={report_id})
        self.add(case)
        self.opened.append((case, report_id, now))
        self._index(case_id, keys)
        return case

    def join(self, case_id: str, report_id: str, keys: Sequence[str], now: datetime) -> BookCase:
        """The case's text bands stay its first report's: a joining report adds only its
        targets (URLs, accounts), so a case is found by what it is about, at a few key writes."""
        case = self.cases[case_id]
        new_keys = [k for k in keys if k not in case.merge_keys and is_target_key(k)]
        case.merge_keys.update(new_keys)
        for key in new_keys:
            self.by_key.setdefault(key, []).append(case_id)
        case.report_count += 1
        case.report_ids.add(report_id)
        case.recent = [*case.recent, now][-RECENT_KEPT:]
        # A case opened earlier in this batch is inserted first, then joined like any other.
        self.joined.append(Joined(case_id, report_id, new_keys, now))
        self._index(case_id, new_keys)
        return case

    def _index(self, case_id: str, keys: Sequence[str]) -> None:
        for key in keys:
            self.keys_added.setdefault(key, []).append(case_id)


def within_hour(times: Sequence[datetime], now: datetime) -> int:
    start = now - timedelta(hours=1)
    return sum(1 for t in times if start <= t <= now)

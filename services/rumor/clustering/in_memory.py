"""Incremental clustering over an in-memory candidate index: the dry-run's stand-in for the store.

The service does the same steps against MongoDB: keys -> candidates -> assign -> absorb/new.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from services.rumor.clustering.claim_lookup import shortlist
from services.rumor.clustering.claims import (
    Assignment, ClaimProfile, absorb, assign, candidate_keys, is_live, new_claim,
)
from services.rumor.params import RumorParams, default_params
from services.rumor.clustering.reports import RumorReport


class ClaimIndex:
    """Claims by id, and claim ids by index key (the store's posting lists, without weeks)."""

    def __init__(self) -> None:
        self._claims: dict[str, ClaimProfile] = {}
        self._by_key: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._claims)

    def get(self, claim_id: str) -> ClaimProfile | None:
        return self._claims.get(claim_id)

    def candidates(self, keys: Iterable[str], params: RumorParams | None = None) -> list[ClaimProfile]:
        """The shortlist the store gives (claim_lookup.shortlist), over every claim held here."""
        params = params or default_params()
        keys = list(keys)
        postings = {k: self._by_key[k] for k in keys if k in self._by_key}
        ids = shortlist(keys, postings, {k: len(v) for k, v in postings.items()},
                        max_candidates=params.claims.max_candidates, common_key_claims=params.claims.common_key_claims)
        return [self._claims[i] for i in ids]

    def put(self, profile: ClaimProfile) -> None:
        old = self._claims.get(profile.claim_id)
        for key in old.keys if old else ():
            self._by_key[key].discard(profile.claim_id)
        self._claims[profile.claim_id] = profile
        for key in profile.keys:
            self._by_key.setdefault(key, set()).add(profile.claim_id)


def place_report(report: RumorReport, candidates: list[ClaimProfile],
                 params: RumorParams) -> tuple[Assignment, ClaimProfile]:
    """Assign the report and return the claim profile to store (updated or new)."""
    live = [c for c in candidates if is_live(c, report.reported_at, params)]
    decision = assign(report, live, params)
    if decision.claim_id is None:
        return decision, new_claim(report, params)
    chosen = next(c for c in live if c.claim_id == decision.claim_id)
    return decision, absorb(chosen, report, params)


def cluster_reports(reports: Iterable[RumorReport], params: RumorParams | None = None,
                    index: ClaimIndex | None = None) -> Iterator[tuple[RumorReport, Assignment, ClaimProfile]]:
    """Process reports in `reported_at` order (ties by id), one at a time."""
    params = params or default_params()
    index = index if index is not None else ClaimIndex()
    for report in sorted(reports, key=lambda r: (r.reported_at, r.id)):
        decision, profile = place_report(report, index.candidates(candidate_keys(report, params), params), params)
        index.put(profile)
        yield report, decision, profile

"""Pure: which existing case a report joins (合并), given the candidates found by its keys.

The same target (normalized URL or account) is the strongest evidence and wins; otherwise
a near-duplicate text joins when its signature similarity clears the rule's threshold.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseCandidate:
    case_id: str
    merge_keys: frozenset[str]
    signature: Sequence[int] | None


@dataclass(frozen=True)
class MergeChoice:
    case_id: str | None  # None: a new case
    how: str  # "same_target", "near_duplicate" or "new"
    similarity: float = 0.0


def is_target_key(key: str) -> bool:
    return not key.startswith("lsh:")


def choose_case(
    keys: Sequence[str],
    signature: Sequence[int] | None,
    candidates: Sequence[CaseCandidate],
    *,
    similarity: Callable[[Sequence[int], Sequence[int]], float],
    threshold: float,
) -> MergeChoice:
    targets = {k for k in keys if is_target_key(k)}
    same_target = [c for c in candidates if targets & c.merge_keys]
    if same_target:
        return MergeChoice(sorted(same_target, key=lambda c: c.case_id)[0].case_id, "same_target", 1.0)
    if signature is None:
        return MergeChoice(None, "new")
    scored = [(similarity(signature, c.signature), c.case_id) for c in candidates if c.signature is not None]
    best = max(scored, default=(0.0, ""), key=lambda s: (s[0], s[1]))
    if best[0] >= threshold:
        return MergeChoice(best[1], "near_duplicate", best[0])
    return MergeChoice(None, "new", best[0])

"""Pure: which stored claims a new rumor report is compared with (候选线索).

A report's index keys are its 64 heaviest words and its URLs; a claim is indexed under its
own. Looking up every claim that shares any one key returned, on a busy desk, every live
claim (common words such as 网传 or 谣言 are in most of them), so the cost per report grew
with the stored claims (bench/README.md). Instead, like a search engine's inverted index:

- a key shared by more than `common_key_claims` claims in the window says nothing about
  which claim this is, and is not used (a stop word by document frequency);
- the claims sharing the most keys with the report (a shared URL outweighs any number of
  words) make the shortlist, at most `max_candidates`, which `assign` then scores in full.

The store keeps one posting list per key and ISO week (`key@2026-W49`), so a list holds
only the claims seen that week and the lookup reads the weeks of the TTL window; the
dry-run's in-memory index applies the same shortlist, so `make eval` measures it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

URL_KEY_WEIGHT = 1_000  # one shared URL (the same post) outranks any overlap of words


def week_of(at: datetime) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_back(now: datetime, ttl_days: float) -> list[str]:
    """The ISO weeks that overlap [now - ttl, now], newest first."""
    weeks, day = [], now
    while day >= now - timedelta(days=ttl_days):
        week = week_of(day)
        if week not in weeks:
            weeks.append(week)
        day -= timedelta(days=1)
    oldest = week_of(now - timedelta(days=ttl_days))
    return weeks if oldest in weeks else [*weeks, oldest]


def posting_id(key: str, week: str) -> str:
    return f"{key}@{week}"


def shortlist(keys: Sequence[str], postings: Mapping[str, Collection[str]], counts: Mapping[str, int], *,
              max_candidates: int, common_key_claims: int) -> list[str]:
    """Claim ids to compare the report with, best first (ties by id, so replays agree).
    `postings[key]`: claim ids under the key; `counts[key]`: how many claims the key had in
    the window (may exceed what the posting kept)."""
    score: Counter[str] = Counter()
    for key in dict.fromkeys(keys):
        claims = postings.get(key, ())
        if not claims:
            continue
        is_url = key.startswith("url:")
        if not is_url and counts.get(key, len(claims)) > common_key_claims:
            continue
        for claim_id in set(claims):
            score[claim_id] += URL_KEY_WEIGHT if is_url else 1
    ranked = sorted(score.items(), key=lambda item: (-item[1], item[0]))
    return [claim_id for claim_id, _ in ranked[:max_candidates]]

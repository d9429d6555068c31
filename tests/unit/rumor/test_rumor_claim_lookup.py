"""Which stored claims a report is compared with: a shortlist whose size does not grow with
the claims stored, and that still holds the claim the report belongs to."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.rumor.clustering.claim_lookup import shortlist, week_of, weeks_back
from services.rumor.clustering.claims import candidate_keys, new_claim
from services.rumor.clustering.in_memory import ClaimIndex

LIMITS = {"max_candidates": 3, "common_key_claims": 4}


def test_the_claims_sharing_most_keys_come_first_and_the_list_is_capped():
    postings = {"term:停水": {"a", "b", "c", "d"}, "term:水厂": {"b", "c"}, "term:污染": {"c"}}
    ranked = shortlist(list(postings), postings, {k: len(v) for k, v in postings.items()}, **LIMITS)
    assert ranked == ["c", "b", "a"]  # c shares three keys, b two, then a before d by id


def test_a_word_in_too_many_claims_narrows_nothing_and_is_not_used():
    postings = {"term:网传": {"a", "b", "c", "d", "e"}, "term:停水": {"e"}}
    assert shortlist(list(postings), postings, {"term:网传": 5, "term:停水": 1}, **LIMITS) == ["e"]
    # the count of the window decides, not what the posting kept
    assert shortlist(["term:停水"], {"term:停水": {"e"}}, {"term:停水": 9}, **LIMITS) == []


def test_one_shared_url_outranks_any_overlap_of_words():
    postings = {"term:停水": {"a", "b"}, "term:水厂": {"a"}, "term:污染": {"a"}, "url:https://x.cn/1": {"b"}}
    assert shortlist(list(postings), postings, {"term:停水": 2}, **LIMITS)[0] == "b"


def test_the_weeks_read_cover_the_whole_ttl_window():
    now = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
    weeks = weeks_back(now, 30)
    assert weeks[0] == week_of(now) == "2026-W49"
    assert weeks == ["2026-W49", "2026-W48", "2026-W47", "2026-W46", "2026-W45"]  # 2 Nov 2026 is a Monday
    assert all(week_of(now - timedelta(hours=h)) in weeks for h in range(0, 30 * 24 + 1))


def test_among_many_claims_about_other_things_a_paraphrase_still_finds_its_claim(make_report, params):
    """The in-memory index (the dry-run's, `make eval`'s) gives the same shortlist as the store."""
    index = ClaimIndex()
    first = make_report("网传南宁明天起全城停水三天，说是自来水厂被污染了，大家赶紧囤水", location="南宁市青秀区")
    target = new_claim(first, params)
    index.put(target)
    for i in range(300):  # other rumors sharing the common words (网传, 明天, 大家)
        other = make_report(f"网传南宁第{i}中学明天放假{i % 7 + 1}天，大家赶紧转发通知")
        index.put(new_claim(other, params))
    again = make_report("朋友圈都在转南宁自来水厂被污染、全城停水三天的消息，是真的吗")
    found = index.candidates(candidate_keys(again, params), params)
    assert len(found) <= params.claims.max_candidates
    assert target.claim_id in [c.claim_id for c in found]

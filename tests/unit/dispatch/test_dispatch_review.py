"""The operator's review (services.dispatch.review): which cases wait for a person, and what
a correction does — re-routes when the corrected decision goes elsewhere, tightens the
deadline when only the severity rises, and is kept as a training example."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from libs.common.events import TriageDecision
from services.dispatch import review

NOW = datetime(2025, 3, 10, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


def _review(case, corrected, directory, routing_policy, platforms, deadline_policy):
    return review.review_change(case, corrected, event_id="ev-review-1", now=NOW, directory=directory,
                                routing=routing_policy, platforms=platforms, deadlines=deadline_policy, by="zhang")


def test_difficult_and_low_confidence_open_cases_wait_for_review(make_case):
    difficult = make_case(severity="difficult", category="other")
    assert review.needs_review(difficult)
    sure = make_case(severity="general", category="vulgar")
    sure["reasons"] = [{"rule": "model.category", "detail": "", "score": 0.95}]
    assert not review.needs_review(sure)
    unsure = sure | {"reasons": [{"rule": "model.category", "detail": "", "score": 0.41}]}
    assert review.needs_review(unsure) and review.model_score(unsure) == 0.41
    assert not review.needs_review(unsure | {"reviewed": {"by": "zhang"}})
    assert not review.needs_review(unsure | {"status": "closed"})


def test_a_correction_that_routes_elsewhere_hands_the_case_to_the_new_department(
        make_case, directory, routing_policy, platforms, deadline_policy):
    case = make_case(severity="general", category="vulgar", text="有人在群里发赌博链接")
    corrected = TriageDecision(category="gambling", severity="important")
    change, events = _review(case, corrected, directory, routing_policy, platforms, deadline_policy)
    assert change["department_code"] == "nn-city-police" and change["dispatch_no"] == case["dispatch_no"] + 1
    assert change["category"] == "gambling" and change["severity"] == "important" and change["reviewed"]["by"] == "zhang"
    kinds = [getattr(e, "kind", None) for e, _ in events]
    assert "rerouted" in kinds and any(t.endswith("dispatch.nn-city-police") for _, t in events)


def test_a_higher_severity_for_the_same_handler_only_brings_the_deadline_forward(
        make_case, directory, routing_policy, platforms, deadline_policy):
    case = make_case(severity="important", category="gambling")
    change, events = _review(case, TriageDecision(category="gambling", severity="difficult"),
                             directory, routing_policy, platforms, deadline_policy)
    if "dispatch_no" in change:  # difficult may go to the emergency center: then it is a new round
        assert change["department_code"] != case["department_code"]
    else:
        assert change["severity"] == "difficult" and change["deadline_at"] <= case["deadline_at"]
        assert [e.kind for e, _ in events] == ["severity_raised"]


def test_a_confirmation_changes_only_the_labels_and_is_kept_as_a_training_example(
        make_case, directory, routing_policy, platforms, deadline_policy):
    case = make_case(severity="general", category="vulgar", text="网站发布低俗视频")
    corrected = TriageDecision(category="vulgar", severity="general")
    change, events = _review(case, corrected, directory, routing_policy, platforms, deadline_policy)
    assert events == [] and change["category"] == "vulgar" and "dispatch_no" not in change
    line = review.correction_line(case, corrected)
    assert line["text"] == "网站发布低俗视频"
    assert line["label"] == {"category": "vulgar", "zone": None, "severity": "general", "valid": True}


def test_a_correction_line_is_what_triage_training_reads(make_case, tmp_path):
    import json

    from services.triage.corpus import load_corrections

    case = make_case(severity="general", category="vulgar", text="网站发布低俗视频")
    path = tmp_path / "reviewed.jsonl"
    path.write_text(json.dumps(review.correction_line(case, TriageDecision(category="pornography", severity="important")),
                               ensure_ascii=False) + "\n", encoding="utf-8")
    [example] = load_corrections(path)
    assert (example.text, example.category, example.severity) == ("网站发布低俗视频", "pornography", "important")

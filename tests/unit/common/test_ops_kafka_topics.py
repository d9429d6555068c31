"""The production topic list (deploy/kafka/topics.yaml) names every topic of the registry
and a DLQ for every topic a service consumes."""
from __future__ import annotations

from pathlib import Path

import yaml

from libs.common import topics

TOPICS = Path(__file__).resolve().parents[3] / "deploy" / "kafka" / "topics.yaml"
CONSUMED = (topics.REPORTS_SUBMITTED, topics.REPORTS_TRIAGED, topics.REPORTS_REPLIES, topics.CASES_FEEDBACK,
            topics.CASES_TAKEDOWN)


def test_every_registered_topic_and_each_consumed_topics_dlq_is_listed() -> None:
    listed = {t["name"] for t in yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]}
    assert set(topics.CORE_TOPICS) <= listed
    assert {topics.dlq_topic(t) for t in CONSUMED} <= listed


def test_department_and_media_topics_are_described_as_patterns() -> None:
    patterns = {p["name"] for p in yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["patterns"]}
    assert any(p.startswith(topics.DISPATCH_PREFIX) for p in patterns)
    assert any(p.startswith(topics.MEDIA_PREFIX) for p in patterns)

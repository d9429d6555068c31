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


# --- the topic-setup command's plan (deploy/kafka/topic_plan.py); the live cluster is in tests/cluster/

from deploy.kafka.topic_plan import TopicState, diff, load, wanted  # noqa: E402
from deploy.kafka.topics import system_specs  # noqa: E402
from deploy.local.topics import planned  # noqa: E402
from libs.common.bus import PRODUCER_SETTINGS  # noqa: E402

ROOT = TOPICS.parents[2]


def test_production_topics_have_three_replicas_two_in_sync_and_a_retention_each() -> None:
    specs = system_specs()
    assert specs and all(s.replication_factor == 3 for s in specs)
    assert all(s.config["min.insync.replicas"] == "2" and int(s.config["retention.ms"]) > 0 for s in specs)
    assert all(s.config["unclean.leader.election.enable"] == "false" for s in specs)
    dlqs = [s for s in specs if s.name.endswith(".dlq")]
    assert dlqs and all(int(s.config["retention.ms"]) >= 365 * 86_400_000 for s in dlqs)


def test_the_local_system_creates_exactly_the_production_topics() -> None:
    assert planned() == {s.name: s.partitions for s in system_specs()}


def test_every_producer_waits_for_all_in_sync_replicas_and_is_idempotent_as_the_file_says() -> None:
    assert load()["producer"] == PRODUCER_SETTINGS == {"acks": "all", "enable_idempotence": True}
    client = (ROOT / "services" / "dispatch" / "department_client.py").read_text()
    assert 'acks="all", enable_idempotence=True' in client  # the reference client stands alone


DOC = {"defaults": {"replication_factor": 3, "config": {"min.insync.replicas": 2, "retention.ms": 100}},
       "topics": [{"name": "a", "partitions": 6}, {"name": "a.dlq", "partitions": 1, "config": {"retention.ms": 999}}],
       "patterns": [{"name": "dispatch.{department_code}", "partitions": 1}]}


def test_patterns_expand_to_one_topic_per_department_under_the_prefix() -> None:
    specs = wanted(DOC, departments=["x", "y"], channels=[], prefix="p-")
    assert [(s.name, s.partitions, s.config["retention.ms"]) for s in specs] == [
        ("p-a", 6, "100"), ("p-a.dlq", 1, "999"), ("p-dispatch.x", 1, "100"), ("p-dispatch.y", 1, "100")]
    single = wanted(DOC, departments=[], channels=[], replication_factor=1)
    assert {s.config["min.insync.replicas"] for s in single} == {"1"}  # capped to what one broker can do


def test_the_plan_is_empty_on_a_matching_cluster_and_names_each_difference_otherwise() -> None:
    specs = wanted(DOC, departments=["x"], channels=[])
    same = {s.name: TopicState(s.name, s.partitions, s.replication_factor, dict(s.config)) for s in specs}
    assert diff(specs, same) == []
    drifted = dict(same)
    drifted["a"] = TopicState("a", 3, 3, {"min.insync.replicas": "1", "retention.ms": "100"})
    drifted["a.dlq"] = TopicState("a.dlq", 4, 1, dict(specs[1].config))
    del drifted["dispatch.x"]
    drifted["old"] = TopicState("old", 1, 3, {})
    drifted["__consumer_offsets"] = TopicState("__consumer_offsets", 50, 3, {})
    lines = [c.line() for c in diff(specs, drifted)]
    assert lines == [
        "~ a  partitions 3 -> 6",
        "~ a  min.insync.replicas 1 -> 2",
        "! a.dlq  has 4 partitions, the file says 1: Kafka cannot remove partitions; left as it is",
        "! a.dlq  replication factor 1, the file says 3: a partition reassignment (kafka-reassign-partitions), "
        "not done by this command",
        "+ dispatch.x  create: partitions=1 replication=3 min.insync.replicas=2 retention.ms=100",
        "? old  not in deploy/kafka/topics.yaml: left as it is",
    ]

"""The system on a three-broker Kafka cluster, as in production: replication factor 3 and
min.insync.replicas 2 on every topic, made by the topic-setup command, two instances of
every service in their consumer groups. One broker is killed with SIGKILL mid-stream and
brought back; afterwards every accepted report is checked by its id (tests.support.faults)
and the time to recover is reported (test-artifacts/cluster-broker-loss.json).

The brokers are three JVMs from the same jars as the single local node
(deploy/local/cluster.py), on loopback ports; the database is a mongo-java-server of its
own (no replica set can be had here: docs/operations.md). `make cluster-test` runs this
file alone."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

from deploy.kafka.topics import system_specs
from deploy.local.artifacts import InfraError
from deploy.local.cluster import KafkaCluster
from deploy.local.probes import free_port
from deploy.local.servers import ADMIN, LocalInfra, MongoServer
from tests.support import kafka
from tests.support.cluster import (
    accepted_by, admin, busiest_leader, first_reply_times, fully_replicated, handled_by_topic, led_without, members,
    messages_on, partitions, wait_until,
)
from tests.support.faults import Ledger, drain, read_ledger, stream
from tests.support.system import SERVICES, NotReady, Services

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "test-artifacts" / "cluster-broker-loss.json"
RATE, SECONDS, FAULT_AT_S, DOWN_S = 5.0, 30.0, 8.0, 15.0
# Longer than the broker session timeout (9 s, Kafka's default), so the controller fences
# the dead broker and moves its leaderships, as when a machine is lost.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    brokers = KafkaCluster(tmp_path_factory.mktemp("cluster"))
    try:
        brokers.start()
    except InfraError as e:
        raise pytest.fail.Exception(f"the three-broker Kafka cluster did not start:\n{e}", pytrace=False) from None
    saved = kafka.kafka_options()
    kafka.configure(brokers.client_options)  # the harness's own clients speak to this cluster
    yield brokers
    kafka.configure(saved)
    brokers.stop()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    server = MongoServer(tmp_path_factory.mktemp("cluster-db"), free_port())
    try:
        server.start().wait_ready(60)
    except InfraError as e:
        server.stop()
        raise pytest.fail.Exception(f"the database did not start:\n{e}", pytrace=False) from None
    yield server
    server.stop()


def topic_setup(cluster: KafkaCluster, prefix: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The topic-setup command as an operator runs it, as the cluster's admin."""
    env = os.environ | {"KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap, "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                        "KAFKA_SASL_USERNAME": ADMIN, "KAFKA_SASL_PASSWORD": cluster.admin_password,
                        "TOPIC_PREFIX": prefix}
    env.pop("KAFKA_SASL_PASSWORD_FILE", None)
    return subprocess.run([sys.executable, "-m", "deploy.kafka.topics", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=180, stdin=subprocess.DEVNULL)


def test_topic_setup_shows_the_diff_applies_it_once_and_repairs_drift(cluster: KafkaCluster) -> None:
    prefix = "setup-"
    client = admin(cluster.bootstrap, cluster.client_options)
    plan = topic_setup(cluster, prefix)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert f"+ {prefix}reports.submitted  create: partitions=6 replication=3" in plan.stdout
    assert "min.insync.replicas=2" in plan.stdout
    assert not partitions(client, prefix), "a plan must not change the cluster"

    applied = topic_setup(cluster, prefix, "--apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "the cluster matches topics.yaml" in applied.stdout
    made = partitions(client, prefix)
    specs = {s.name: s for s in system_specs(prefix=prefix)}
    assert {topic for topic, _ in made} == set(specs)
    assert {len(p.replicas) for p in made.values()} == {3}
    assert sum(1 for topic, _ in made if topic == f"{prefix}reports.submitted") == 6
    described = client.describe_configs([ConfigResource(ResourceType.TOPIC, f"{prefix}reports.submitted.dlq")])
    config = next(iter(described.values())).result()
    assert config["min.insync.replicas"].value == "2" and config["retention.ms"].value == "31536000000"

    again = topic_setup(cluster, prefix, "--check")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 to create, 0 to add partitions to, 0 settings to change, 0 problems" in again.stdout

    # Someone shortened a retention by hand: the check fails and names it; apply puts it back.
    topic = f"{prefix}cases.events"
    for future in client.incremental_alter_configs([ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
            ConfigEntry("retention.ms", "1000", incremental_operation=AlterConfigOpType.SET)])]).values():
        future.result()
    drift = topic_setup(cluster, prefix, "--check")
    assert drift.returncode == 1 and f"~ {topic}  retention.ms 1000 -> 7776000000" in drift.stdout, drift.stdout
    fixed = topic_setup(cluster, prefix, "--apply")
    assert fixed.returncode == 0 and "applied 1 changes; the cluster matches" in fixed.stdout, fixed.stdout


async def test_a_broker_killed_mid_stream_loses_and_doubles_nothing_and_both_instances_share_the_work(
        cluster: KafkaCluster, database: MongoServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    prefix = "loss-"
    made = topic_setup(cluster, prefix, "--apply")
    assert made.returncode == 0, made.stdout + made.stderr
    infra = LocalInfra(cluster.bootstrap, database.uri, database.data_dir, None, database, cluster.client_options)
    system = Services(infra, prefix, tmp_path_factory.mktemp("cluster-logs"), replication_factor=3,
                      extra_env={"INTAKE_RATE_IP_PER_MINUTE": "100000", "KAFKA_REPLICATION_FACTOR": "3"})
    client = admin(cluster.bootstrap, cluster.client_options)
    try:
        try:
            await asyncio.to_thread(start_two_of_each, system)
        except NotReady as exc:
            pytest.fail(str(exc))
        missing = await missing_indexes(database.uri, system.db_prefix)
        assert not missing, f"indexes the services did not create at start: {missing}"
        groups = [f"{prefix}{g}" for g in ("triage", "dispatch", "rumor", "intake-replies")]
        assert await asyncio.to_thread(wait_until, lambda: set(members(client, groups).values()) == {2}, 90) is not None, \
            f"both instances did not get partitions: {members(client, groups)}"
        intakes = [system.urls["intake"], f"http://127.0.0.1:{system.ports['intake-2']}"]
        # A few reports through first: every instance's first message loads its rules and
        # models, which would count as the cluster's slowness in the figures.
        warm = await stream(intakes, rate=4, seconds=3, seed=2023, fault=lambda: asyncio.sleep(0), fault_at_s=0)
        assert not await drain(cluster.bootstrap, prefix, set(warm.accepted), timeout=90), "the warm-up was not answered"
        timeline: dict[str, float | None] = {}
        seen = await stream(intakes, rate=RATE,
                            seconds=SECONDS, seed=2024, fault=lambda: lose_a_broker(cluster, client, prefix, timeline),
                            fault_at_s=FAULT_AT_S)
        await asyncio.to_thread(system.wait_ready, timeout=120)  # every instance back by itself
        accepted = set(seen.accepted)
        problems, ledger = await check_every_report(cluster, database, system, accepted)
        assert not problems, f"{len(problems)} problems, refused {dict(seen.refused)}:\n" + "\n".join(problems[:40])
        assert len(accepted) >= RATE * SECONDS * 0.8, (len(accepted), dict(seen.refused))
        assert ledger.valid & accepted, "nothing was dispatched"
        assert not seen.refused.get("500"), dict(seen.refused)

        shares = await work_shares(system)
        idle = {key: topic for key, (topic, n) in shares.items() if n <= 0}
        assert not idle, f"instances that did no work: {idle} (all: {shares})"

        figures = await recovery_figures(cluster, prefix, seen.accepted_at, timeline)
        on_topics = await asyncio.to_thread(messages_on, cluster.bootstrap, cluster.client_options, prefix)
        reports = len(accepted) + len(warm.accepted)
        figures |= {"accepted": len(accepted), "refused": dict(seen.refused), "rate_per_s": RATE,
                    # for sizing Kafka (docs/operations.md): what one report puts on the topics
                    "messages_per_report": round(sum(on_topics.values()) / reports, 1),
                    "work_per_instance": {k: n for k, (_, n) in shares.items()}}
        ARTIFACT.parent.mkdir(exist_ok=True)
        ARTIFACT.write_text(json.dumps(figures, indent=2) + "\n")
        print("\ncluster broker loss:", json.dumps(figures))
        assert figures["leaders_moved_s"] is not None and figures["leaders_moved_s"] < 30, figures
        assert figures["back_in_sync_s"] is not None and figures["back_in_sync_s"] < 90, figures
        assert figures["recovered_s"] < 90, figures
    finally:
        system.stop_all()
        for index, node in enumerate(cluster.nodes):  # never leave the module's cluster short of a broker
            if node.process is None or node.process.poll() is not None:
                cluster.restart(index)


# What each service's queries need on a real MongoDB (deploy/README.md "The database in
# production"), by database, collection and key; "outbox" is the sweep's partial index.
OUTBOX = (("_outbox.0", 1),)
INDEXES = {
    "intake": {"reports": {(("tracking_no", 1),), (("content.volunteer_id", 1),), OUTBOX},
               "snapshot_queue": {(("next_at", 1),)}, "platform_callbacks": {(("state", 1), ("next_at", 1))},
               "webhook_signatures": {(("expires_at", 1),)}, "evidence_snapshots": {(("record.report_id", 1),)}},
    "dispatch": {"cases": {(("status", 1), ("deadline_at", 1)), (("department_code", 1), ("status", 1)),
                           (("recheck.state", 1), ("recheck.at", 1)), OUTBOX}, "meta": {OUTBOX},
                 "chase_queue": {(("at", 1),)}, "recheck_queue": {(("at", 1),)}},
    "rumor": {"claims": {(("status", 1), ("last_seen", -1)), OUTBOX},
              "deliveries": {(("claim_id", 1), ("channel", 1)), OUTBOX}, "website_articles": {(("updated_at", -1),)}},
}


async def missing_indexes(uri: str, db_prefix: str) -> list[str]:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient = AsyncMongoClient(uri)
    try:
        missing = []
        for service, collections in INDEXES.items():
            for collection, wanted in collections.items():
                info = await client[f"{db_prefix}_{service}"][collection].index_information()
                have = {tuple((k, int(d)) for k, d in index["key"]) for index in info.values()}
                missing += [f"{service}.{collection} {dict(key)}" for key in wanted - have]
                if collection == "webhook_signatures" and not any("expireAfterSeconds" in i for i in info.values()):
                    missing.append("intake.webhook_signatures: no TTL")  # replay protection expires by itself
        return missing
    finally:
        await client.close()


def start_two_of_each(system: Services) -> None:
    system.start_all()
    for name in SERVICES:
        system.start(name, replica=2)
    system.wait_ready(timeout=180)


async def check_every_report(cluster: KafkaCluster, database: MongoServer, system: Services,
                             accepted: set[str]) -> tuple[list[str], Ledger]:
    """Every accepted report answered, judged once, in one case, each valid one in exactly one
    of dispatch's cases, each case handed to one department per round (tests.support.faults)."""
    unanswered = await drain(cluster.bootstrap, system.prefix, accepted)
    ledger = await read_ledger(cluster.bootstrap, database.uri, system.prefix, system.db_prefix)
    for _ in range(30):  # dispatch may still be placing the last cases
        if not ledger.undispatched(accepted):
            break
        await asyncio.sleep(2)
        ledger = await read_ledger(cluster.bootstrap, database.uri, system.prefix, system.db_prefix)
    problems = [f"{r}: never answered" for r in sorted(unanswered)] + ledger.problems(accepted)
    return problems + ledger.undispatched(accepted), ledger


async def lose_a_broker(cluster: KafkaCluster, client, prefix: str, timeline: dict[str, float | None]) -> None:  # type: ignore[no-untyped-def]
    """kill -9 the broker leading the most partitions; back after DOWN_S on its data."""
    victim = busiest_leader(client, prefix)
    timeline["victim"] = victim
    timeline["killed_at"] = time.time()
    await asyncio.to_thread(cluster.kill, victim - 1)
    timeline["leaders_moved_s"] = await asyncio.to_thread(wait_until, lambda: led_without(client, prefix, victim), 60)
    await asyncio.sleep(max(0.0, timeline["killed_at"] + DOWN_S - time.time()))
    timeline["restarted_at"] = time.time()
    await asyncio.to_thread(cluster.restart, victim - 1)
    timeline["restart_ready_s"] = time.time() - timeline["restarted_at"]
    if await asyncio.to_thread(wait_until, lambda: fully_replicated(client, prefix, 3), 120) is not None:
        timeline["back_in_sync_s"] = time.time() - timeline["restarted_at"]


async def work_shares(system: Services) -> dict[str, tuple[str, float]]:
    """Instance -> (what it consumed or took, how many): each of the two must have done some."""
    consumed = {"triage": "reports.submitted", "dispatch": "reports.triaged", "rumor": "reports.triaged",
                "intake": "reports.replies"}
    out: dict[str, tuple[str, float]] = {}
    for name, topic in consumed.items():
        for key in (name, f"{name}-2"):
            url = f"http://127.0.0.1:{system.ports[key]}"
            handled = await handled_by_topic(url)
            out[key] = (topic, sum(n for t, n in handled.items() if t.endswith(topic)))
            if name == "intake":
                out[f"{key} (202)"] = ("POST /api/v1/reports", await accepted_by(url))
    return out


async def recovery_figures(cluster: KafkaCluster, prefix: str, sent_at: dict[str, float],
                           timeline: dict[str, float | None]) -> dict[str, object]:
    """From each report's send time and its first reply's timestamp: the answer times before
    the kill, and how long after the kill reports were still answered late."""
    replied = await first_reply_times(cluster.bootstrap, cluster.client_options, f"{prefix}reports.replies")
    killed = float(timeline["killed_at"] or 0)
    moved = killed + float(timeline.get("leaders_moved_s") or 0)
    latency = {r: replied[r] - t for r, t in sent_at.items() if r in replied}
    before = sorted(v for r, v in latency.items() if sent_at[r] < killed)
    slow = max(5.0, 3 * (_quantile(before, 0.5) or 0.0))  # "late": three times the usual answer, at least 5 s
    late = [r for r, v in latency.items() if v > slow and replied[r] >= killed]
    windows = {"before_kill": [v for r, v in latency.items() if sent_at[r] < killed],
               "until_leaders_moved": [v for r, v in latency.items() if killed <= sent_at[r] < moved],
               "after": [v for r, v in latency.items() if sent_at[r] >= moved]}
    return {
        "victim_broker": timeline.get("victim"),
        "leaders_moved_s": _round(timeline.get("leaders_moved_s")),      # kill -> every partition led by a live broker
        "restart_ready_s": _round(timeline.get("restart_ready_s")),      # restart -> the broker answers
        "back_in_sync_s": _round(timeline.get("back_in_sync_s")),        # restart -> every replica in sync again
        # seconds from a report's POST to its first reply, p50 / p99 / max, by when it was sent
        "reply_s": {name: [_round(_quantile(sorted(v), q)) for q in (0.5, 0.99, 1.0)] for name, v in windows.items()},
        "late_reports": len(late),
        "worst_reply_s": _round(max(latency.values(), default=0.0)),
        # kill -> the last late report answered: when reporters saw normal answer times again
        "recovered_s": round(max((replied[r] for r in late), default=killed) - killed, 2),
    }


def _quantile(values: list[float], q: float) -> float | None:
    return values[min(len(values) - 1, int(len(values) * q))] if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

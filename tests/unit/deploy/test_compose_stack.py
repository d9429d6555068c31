"""The compose stack (deploy/compose/compose.yaml) against the Compose Specification's JSON
Schema (vendored in deploy/compose/schema/), and what the production shape asks of it: three
KRaft brokers and a three-member replica set, the topic setup before the services, two
instances of each service as its own Kafka principal, secrets only from files that are not
in the repository, the project's Prometheus rules and Grafana provisioning."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from libs.common.kafka_acl import SERVICES

ROOT = Path(__file__).resolve().parents[3]
HERE = ROOT / "deploy" / "compose"
COMPOSE = yaml.safe_load((HERE / "compose.yaml").read_text())


def test_the_compose_file_is_valid_against_the_compose_specification() -> None:
    schema = json.loads((HERE / "schema" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(COMPOSE), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


def test_three_kraft_brokers_with_replication_three_and_two_in_sync() -> None:
    brokers = {name: s for name, s in COMPOSE["services"].items() if name.startswith("kafka-") and name[-1].isdigit()}
    assert sorted(s["environment"]["NODE_ID"] for s in brokers.values()) == ["1", "2", "3"]
    props = dict(line.split("=", 1) for line in (HERE / "kafka" / "server.properties").read_text().splitlines()
                 if line and not line.startswith("#"))
    assert props["controller.quorum.voters"] == "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"
    assert props["min.insync.replicas"] == "2" and props["default.replication.factor"] == "3"
    assert props["offsets.topic.replication.factor"] == "3" and props["transaction.state.log.min.isr"] == "2"
    assert props["allow.everyone.if.no.acl.found"] == "false" and props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["auto.create.topics.enable"] == "false"
    assert "@ADMIN_PASSWORD@" in props["listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"]  # no password here


def test_the_brokers_have_the_security_of_the_cluster_test() -> None:
    local = dict(line.split("=", 1) for line in (ROOT / "deploy" / "local" / "server.properties").read_text().splitlines()
                 if line and not line.startswith("#"))
    ours = dict(line.split("=", 1) for line in (HERE / "kafka" / "server.properties").read_text().splitlines()
                if line and not line.startswith("#"))
    for key in ("sasl.enabled.mechanisms", "sasl.mechanism.inter.broker.protocol", "authorizer.class.name",
                "super.users", "allow.everyone.if.no.acl.found", "controller.listener.names"):
        assert ours[key] == local[key], key


def test_a_three_member_replica_set_made_once_and_written_to_by_majority() -> None:
    members = [n for n in COMPOSE["services"] if re.fullmatch(r"mongo-\d", n)]
    assert members == ["mongo-1", "mongo-2", "mongo-3"]
    assert all("--replSet" in COMPOSE["services"][n]["command"] for n in members)
    init = " ".join(COMPOSE["services"]["mongo-init"]["command"])
    assert all(f'host: "{n}:27017"' in init for n in members)
    for name in SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["MONGO_URI"].endswith("?replicaSet=rs0") and all(n in env["MONGO_URI"] for n in members)
        assert env["MONGO_WRITE_CONCERN"] == env["MONGO_READ_CONCERN"] == "majority"


def test_two_instances_of_each_service_as_its_own_principal_after_the_topic_setup() -> None:
    services = COMPOSE["services"]
    setup = " ".join(services["kafka-setup"]["command"])
    assert "deploy.kafka.access --apply" in setup and "deploy.kafka.topics --apply" in setup
    for name in SERVICES:
        s = services[name]
        assert s["deploy"]["replicas"] >= 2
        assert s["build"]["target"] == name and s["build"]["dockerfile"] == "deploy/container/Dockerfile"
        env = s["environment"]
        assert env["KAFKA_SASL_USERNAME"] == name and env["KAFKA_SASL_PASSWORD_FILE"] == f"/run/secrets/kafka_{name}"
        assert env["KAFKA_CREATE_TOPICS"] == "false" and env["KAFKA_BOOTSTRAP_SERVERS"].count(",") == 2
        assert s["depends_on"]["kafka-setup"]["condition"] == "service_completed_successfully"
        assert s["read_only"] is True


def test_secrets_come_only_from_files_made_on_the_host_and_never_committed() -> None:
    files = [Path(s["file"]) for s in COMPOSE["secrets"].values()]
    assert files and all(f.parts[:2] == (".", "secrets") or f.parts[0] == "secrets" for f in files)
    assert "secrets/" in (HERE / ".gitignore").read_text().split()
    text = (HERE / "compose.yaml").read_text()
    assert not re.search(r"(?i)(password|secret_key|token)s?\s*[:=]\s*[\"']?[A-Za-z0-9+/_-]{12,}", text), \
        "a secret value in the compose file"
    tracked = subprocess.run(["git", "ls-files", "deploy/compose/secrets"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.stdout == ""


def test_prometheus_and_grafana_get_the_projects_rules_and_provisioning() -> None:
    services = COMPOSE["services"]
    for service in ("prometheus", "grafana"):
        for volume in services[service]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (HERE / source).exists(), f"{service} mounts {source}, which is not there"
    assert any(v.startswith("../prometheus/rules:") for v in services["prometheus"]["volumes"])
    assert any(v.startswith("../grafana/dashboards:") for v in services["grafana"]["volumes"])
    config = yaml.safe_load((HERE / "prometheus.yml").read_text())
    assert [job["job_name"] for job in config["scrape_configs"]] == list(SERVICES)
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is not installed: `make setup` installs Debian's prometheus package")
    done = subprocess.run([promtool, "check", "config", "--syntax-only", str(HERE / "prometheus.yml")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_secrets_command_makes_every_file_the_stack_reads_once(tmp_path: Path) -> None:
    from deploy.compose.secrets import make_secrets

    made = make_secrets(tmp_path, ["intake", "triage", "dispatch", "rumor", "dept-x"])
    for secret in COMPOSE["secrets"].values():
        path = tmp_path / Path(secret["file"]).relative_to("secrets")
        assert path in made and path.stat().st_mode & 0o077 == 0, path
    env = dict(line.split("=", 1) for line in (tmp_path / "netreport.env").read_text().split())
    assert set(env) == {"NETREPORT_SECRET_KEY", "OPERATOR_TOKENS", "DISPATCH_FEEDBACK_KEY"}
    assert (tmp_path / "operator.token").read_text().strip() not in env["OPERATOR_TOKENS"]  # only its hash
    assert make_secrets(tmp_path, ["intake", "triage", "dispatch", "rumor", "dept-x"]) == []  # kept, not remade


def test_each_broker_is_started_by_a_script_that_fills_every_placeholder_of_its_properties() -> None:
    script = HERE / "kafka" / "start.sh"
    assert subprocess.run(["sh", "-n", str(script)]).returncode == 0
    placeholders = set(re.findall(r"@[A-Z_]+@", (HERE / "kafka" / "server.properties").read_text()))
    assert placeholders == {"@NODE_ID@", "@ADMIN_PASSWORD@"}
    assert all(f"s/{p}/" in script.read_text() for p in placeholders)
    assert "--add-scram" in script.read_text() and script.stat().st_mode & 0o111  # the admin exists before the first start

"""The Kubernetes manifests (deploy/k8s/) against the Kubernetes API's own schemas (shipped
by the kubernetes-validate package, strict: an unknown field fails), and what running the
report center there asks of them: several instances per service sharing the partitions,
probes on the health endpoints, resources from the benchmark, config from a ConfigMap,
secrets only by reference, a PodDisruptionBudget per service, each its own Kafka principal."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from deploy.kafka.topics import system_specs
from libs.common.kafka_acl import SERVICES

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"  # the oldest release we support: a field newer than it would fail here
PORTS = {"intake": 8001, "triage": 8002, "dispatch": 8003, "rumor": 8004}
DOCS = {path.name: [d for d in yaml.safe_load_all(path.read_text()) if d]
        for path in sorted(K8S.glob("*.yaml")) if path.name != "kustomization.yaml"}
ALL = [doc for docs in DOCS.values() for doc in docs]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in ALL if d["kind"] == kind}


def container(name: str) -> dict[str, Any]:
    (only,) = of_kind("Deployment")[name]["spec"]["template"]["spec"]["containers"]
    return only


@pytest.mark.parametrize("version", [KUBERNETES_VERSION, kubernetes_validate.latest_version()])
def test_every_manifest_is_valid_against_the_kubernetes_schemas(version: str) -> None:
    errors = []
    for name, docs in DOCS.items():
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as e:
                errors.append(f"{name} {doc['kind']}/{doc['metadata']['name']}: {e.message} at {list(e.path)}")
    assert not errors, "\n".join(errors)


def test_kustomize_applies_every_file() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(DOCS)


def test_each_service_runs_several_instances_that_the_partitions_share() -> None:
    partitions = {s.name: s.partitions for s in system_specs()}
    deployments = of_kind("Deployment")
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        replicas = deployment["spec"]["replicas"]
        assert replicas >= 2, name
        assert partitions["reports.submitted"] % replicas == 0 and partitions["reports.triaged"] % replicas == 0
        strategy = deployment["spec"]["strategy"]["rollingUpdate"]
        assert strategy["maxUnavailable"] == 0, f"{name}: a rolling update must not go below its replicas"


def test_probes_use_the_health_endpoints_on_the_service_port() -> None:
    for name in SERVICES:
        c = container(name)
        assert c["ports"] == [{"name": "http", "containerPort": PORTS[name], "protocol": "TCP"}]
        assert c["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
        assert c["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
        assert c["startupProbe"]["httpGet"]["path"] == "/health/live"
        service = of_kind("Service")[name]
        assert service["spec"]["ports"][0]["port"] == PORTS[name]
        assert service["spec"]["selector"] == of_kind("Deployment")[name]["spec"]["selector"]["matchLabels"]


def _quantity(text: str) -> float:
    units = {"m": 1e-3, "Mi": 2**20, "Gi": 2**30}
    for unit, factor in units.items():
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def test_resources_are_requested_and_bounded_from_the_benchmarks_figures() -> None:
    # bench/README.md: resident memory at saturation (MB) and CPU ms per report, run C.
    measured_rss_mb = {"intake": 103, "triage": 175, "dispatch": 155, "rumor": 321}
    cpu_ms_per_report = {"intake": 4.8, "triage": 4.5, "dispatch": 3.7, "rumor": 3.3}
    for name in SERVICES:
        resources = container(name)["resources"]
        replicas = of_kind("Deployment")[name]["spec"]["replicas"]
        memory = _quantity(resources["requests"]["memory"])
        assert measured_rss_mb[name] * 1e6 < memory <= 2 * measured_rss_mb[name] * 1e6 * 1.5, name
        assert _quantity(resources["limits"]["memory"]) >= 2 * memory * 0.99, name
        # 100 reports/s (docs/operations.md) shared by the replicas, within the request.
        assert 100 * cpu_ms_per_report[name] / 1000 / replicas <= _quantity(resources["requests"]["cpu"]), name


def test_config_from_the_configmap_and_secrets_only_by_reference() -> None:
    assert not of_kind("Secret"), "a Secret in the repository"
    config = of_kind("ConfigMap")["netreport-config"]["data"]
    assert config["KAFKA_CREATE_TOPICS"] == "false" and config["KAFKA_REPLICATION_FACTOR"] == "3"
    assert config["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL" and config["KAFKA_BOOTSTRAP_SERVERS"].count(",") == 2
    assert config["MONGO_WRITE_CONCERN"] == config["MONGO_READ_CONCERN"] == "majority"
    secret_like = ("PASSWORD", "SECRET", "TOKEN", "KEY", "MONGO_URI")
    assert not [k for k in config if any(word in k for word in secret_like)], "a secret in the ConfigMap"
    for name in SERVICES:
        c = container(name)
        assert c["envFrom"] == [{"configMapRef": {"name": "netreport-config"}}]
        for env in c["env"]:
            if any(word in env["name"] for word in secret_like):
                assert "secretKeyRef" in env.get("valueFrom", {}), f"{name}: {env['name']} not from a Secret"


def test_each_service_is_its_own_kafka_principal_and_the_setup_job_is_the_admin() -> None:
    for name in SERVICES:
        env = {e["name"]: e for e in container(name)["env"]}
        assert env["KAFKA_SASL_USERNAME"]["value"] == name
        assert env["KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"netreport-kafka-{name}"
    (job,) = of_kind("Job").values()
    (c,) = job["spec"]["template"]["spec"]["containers"]
    assert "deploy.kafka.access --apply" in c["command"][-1] and "deploy.kafka.topics --apply" in c["command"][-1]
    assert {e["name"]: e.get("value") for e in c["env"]}["KAFKA_SASL_USERNAME"] == "admin"


def test_a_disruption_budget_keeps_all_but_one_instance_of_each_service() -> None:
    budgets = of_kind("PodDisruptionBudget")
    for name, deployment in of_kind("Deployment").items():
        assert budgets[name]["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        assert budgets[name]["spec"]["maxUnavailable"] == 1 < deployment["spec"]["replicas"]


def test_pods_run_unprivileged_with_a_read_only_root() -> None:
    pods = [d["spec"]["template"]["spec"] for d in ALL if d["kind"] in ("Deployment", "Job")]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            assert c["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                            "capabilities": {"drop": ["ALL"]}}

"""A three-broker Kafka cluster on loopback from the same jars as the single node: each
node is broker and controller (a three-voter KRaft quorum), SASL/SCRAM with ACLs, internal
topics with replication factor 3 and min.insync.replicas 2, as in production. For the
cluster test (tests/cluster/) and for trying the topic setup on a real cluster:

    python -m deploy.local.cluster --data /tmp/nr-cluster     # runs until Ctrl-C

Every node keeps its files in <data>/kafka-<id>/; they share one cluster id and one admin
password (<data>/kafka.admin-password), so a node killed with SIGKILL restarts on its data.
"""
from __future__ import annotations

import argparse
import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from deploy.local.artifacts import InfraError
from deploy.local.probes import HOST, free_port, wait_kafka
from deploy.local.servers import KafkaServer, _new_cluster_id, admin_options

SIZE, MIN_ISR = 3, 2


@dataclass
class KafkaCluster:
    data_dir: Path
    size: int = SIZE
    nodes: list[KafkaServer] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ports = [(free_port(), free_port()) for _ in range(self.size)]
        voters = ",".join(f"{i + 1}@{HOST}:{controller}" for i, (_, controller) in enumerate(ports))
        cluster_id, password = self._shared("kafka.cluster-id", _new_cluster_id), self._shared(
            "kafka.admin-password", lambda: secrets.token_urlsafe(24))
        for i, (port, controller) in enumerate(ports):
            node = KafkaServer(self.data_dir / f"kafka-{i + 1}", port, controller, node_id=i + 1, voters=voters,
                               replication=min(self.size, SIZE), min_isr=min(self.size, MIN_ISR))
            node.data_dir.mkdir(parents=True, exist_ok=True)
            for name, value in (("kafka.cluster-id", cluster_id), ("kafka.admin-password", password)):
                path = node.data_dir / name
                path.write_text(value + "\n")
                path.chmod(0o600)
            self.nodes.append(node)

    def _shared(self, name: str, make: Any) -> str:
        path = self.data_dir / name
        if not path.exists():
            path.write_text(make() + "\n")
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    @property
    def admin_password(self) -> str:
        return (self.data_dir / "kafka.admin-password").read_text().strip()

    @property
    def client_options(self) -> dict[str, Any]:
        """aiokafka's options for the admin principal."""
        return admin_options(self.admin_password)

    def start(self, timeout: float = 120.0) -> Self:
        """Start every node (they need each other for a quorum), then wait until the cluster
        answers with all of its brokers."""
        try:
            for node in self.nodes:
                node.start()
            deadline = time.monotonic() + timeout
            for node in self.nodes:
                node.wait_ready(max(1.0, deadline - time.monotonic()))
            self.wait_brokers(self.size, max(1.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        return self

    def wait_brokers(self, count: int, timeout: float) -> None:
        """Until the cluster's metadata lists `count` brokers."""
        from confluent_kafka.admin import AdminClient

        from deploy.kafka.access import librdkafka_options

        admin = AdminClient(librdkafka_options(self.bootstrap, self.client_options))
        deadline = time.monotonic() + timeout
        while True:
            try:
                brokers = len(admin.list_topics(timeout=5).brokers)
            except Exception as e:  # noqa: BLE001 - not answering yet
                brokers, why = 0, str(e)
            else:
                why = f"{brokers} of {count} brokers registered"
            if brokers >= count:
                return
            if time.monotonic() > deadline:
                raise InfraError(f"Kafka cluster not complete after {timeout:.0f}s: {why}\n"
                                 + "\n".join(n.log_tail(20) for n in self.nodes))
            time.sleep(0.5)

    def kill(self, index: int) -> None:
        """kill -9 one node: no shutdown, nothing flushed, its partitions lose their leader."""
        node = self.nodes[index]
        assert node.process is not None
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(10)
        node.process = None

    def restart(self, index: int, timeout: float = 120.0) -> None:
        node = self.nodes[index]
        node.start()
        node.wait_ready(timeout)

    def stop(self) -> None:
        # All at once: one by one, the last ones wait for a quorum that has already gone.
        for node in self.nodes:
            if node.process and node.process.poll() is None:
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            node.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="data folder (created if missing)")
    args = parser.parse_args(argv)
    try:
        with KafkaCluster(args.data) as cluster:
            print(f"cluster: ready at {cluster.bootstrap}; admin password in {args.data / 'kafka.admin-password'}",
                  flush=True)
            wait_kafka(cluster.bootstrap, 10, cluster.client_options)  # every node answers
            stopping = threading.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stopping.set())
            while not stopping.wait(1):
                pass
    except InfraError as e:
        print(f"cluster: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

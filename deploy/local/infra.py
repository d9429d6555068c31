"""The project's local Kafka and MongoDB-wire database, run from Maven Central jars (no Docker):
the command line, and the names the tests and benchmarks import.

Kafka 4.4.0 runs as one KRaft node (broker and controller in one JVM) requiring SASL/SCRAM
with ACLs; the database is mongo-java-server 1.47.0 with its H2 file backend behind our small
launcher, MongoServerMain.java. See README.md beside this file for the decisions. By job:
    artifacts.py   jars + compiled launcher, cached per user (ensure_artifacts)
    probes.py      readiness by connecting (wait_kafka, wait_mongo), create_topics, free_port
    servers.py     KafkaServer, MongoServer, start_local_infra (both on free ports, ready)

CLI:
    python -m deploy.local.infra fetch
    python -m deploy.local.infra run kafka|mongo --data DIR [--port N] [--controller-port N]
    python -m deploy.local.infra wait [--kafka HOST:PORT] [--mongo URI] [--timeout S]
"""
from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from pathlib import Path

from deploy.local.artifacts import InfraError, ensure_artifacts
from deploy.local.probes import create_topics, free_port, wait_kafka, wait_mongo
from deploy.local.servers import (
    DEFAULT_CONTROLLER_PORT, DEFAULT_KAFKA_PORT, DEFAULT_MONGO_PORT, KafkaServer, LocalInfra, MongoServer, _JavaServer,
    start_local_infra,
)

__all__ = ["InfraError", "KafkaServer", "LocalInfra", "MongoServer", "create_topics", "ensure_artifacts", "free_port",
           "start_local_infra", "wait_kafka", "wait_mongo"]

def _run_foreground(server: _JavaServer, ready_timeout: float) -> int:
    """Run the server like `exec java ...` would, for a Procfile runner: output on the console,
    SIGTERM/SIGINT forwarded to the JVM, exit when it exits."""
    forwarded: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        forwarded.append(signum)
        if server.process and server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)  # the JVM's clean shutdown path for both signals

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    started = time.monotonic()
    server.start(foreground=True)
    if forwarded:  # a stop request that arrived while we were still preparing
        forward(forwarded[0], None)
    def announce() -> None:
        with contextlib.suppress(InfraError):
            server.wait_ready(ready_timeout)
            print(f"infra: {server.name} ready at {server.address} after {time.monotonic() - started:.1f}s "
                  f"(full log: {server.log_file})", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    assert server.process is not None
    code = server.process.wait()
    server.pid_file.unlink(missing_ok=True)
    # 143 = killed by the SIGTERM we forwarded: a requested stop, not a failure.
    return 0 if forwarded and code in (0, 128 + signal.SIGTERM) else code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.infra", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="fetch the jars and compile the launcher (cached)")
    run = sub.add_parser("run", help="run one server in the foreground until SIGTERM/SIGINT")
    run.add_argument("server", choices=["kafka", "mongo"])
    run.add_argument("--data", required=True, type=Path, help="data folder (created if missing)")
    run.add_argument("--port", type=int, help=f"default {DEFAULT_KAFKA_PORT} (kafka) / {DEFAULT_MONGO_PORT} (mongo)")
    run.add_argument("--controller-port", type=int, default=DEFAULT_CONTROLLER_PORT, help="kafka only")
    wait = sub.add_parser("wait", help="exit 0 once the given servers answer")
    wait.add_argument("--kafka", metavar="HOST:PORT")
    wait.add_argument("--mongo", metavar="URI")
    wait.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)

    try:
        if args.command == "fetch":
            arts = ensure_artifacts()
            print(f"infra: artifacts ready in {arts.lib_dir.parent}")
            return 0
        if args.command == "run":
            server: _JavaServer
            if args.server == "kafka":
                server = KafkaServer(args.data, args.port or DEFAULT_KAFKA_PORT, args.controller_port)
            else:
                server = MongoServer(args.data, args.port or DEFAULT_MONGO_PORT)
            return _run_foreground(server, ready_timeout=120)
        if not (args.kafka or args.mongo):
            parser.error("wait: give --kafka and/or --mongo")
        deadline = time.monotonic() + args.timeout
        if args.mongo:
            wait_mongo(args.mongo, args.timeout)
        if args.kafka:  # as the principal of the KAFKA_* settings in the environment
            from libs.common.kafka_auth import client_options
            from libs.common.settings import ServiceSettings

            wait_kafka(args.kafka, max(1.0, deadline - time.monotonic()), client_options(ServiceSettings()))
        print("infra: ready: " + ", ".join(filter(None, [args.kafka and f"kafka {args.kafka}", args.mongo and f"mongo {args.mongo}"])))
        return 0
    except InfraError as e:
        print(f"infra: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

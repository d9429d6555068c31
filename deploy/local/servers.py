"""The local Kafka (one KRaft node, SASL/SCRAM with ACLs) and the MongoDB-wire database
(mongo-java-server with its H2 file backend), as processes of their own: started, waited
for, stopped, and reaped when an earlier run left them behind."""
from __future__ import annotations

import base64
import ctypes
import os
import secrets
import signal
import string
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from deploy.local.artifacts import HERE, Artifacts, InfraError, _run_tool, ensure_artifacts, java_tool
from deploy.local.probes import HOST, _port_taken, _wait, free_port, probe_kafka, probe_mongo, wait_kafka, wait_mongo

LOG4J_CONFIG = HERE / "log4j2.yaml"
SERVER_PROPERTIES = HERE / "server.properties"
# Same ports as deploy/local/localenv.py uses for `make run`.
DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT, DEFAULT_MONGO_PORT = 19092, 19093, 27027

# Heap caps: both JVMs share a 2-core, shared machine with the services and the tests.
# Kafka is comfortable in 512 MB (about 400 MB resident). mongo-java-server was capped at
# 256 MB with the serial collector: fine for the tests, but under sustained load (the
# benchmark, past ~10k reports) it spent 44 % of its CPU in garbage collection (jstat: a
# full GC every 2 s) and the pipeline fell to a fifth of its speed. A larger young
# generation and the parallel collector keep it out of that (bench/README.md). Its heap also
# holds the H2 page cache (MongoServer.cache_mb, about 450 MB of heap at 256 MB), and pages
# read into it on a miss outlive a small young generation: with 256 MB of it the old one
# filled with evicted pages and a full collection came every 17 s: now a 512 MB young
# generation in a 2 GB heap.
# log4j's own shutdown hook races the servers' hooks and cuts their last lines ("shut down
# completed"); without it the file appender (flushing each line) logs to the very end.
_JVM_COMMON = ["-Djava.awt.headless=true", "-Dlog4j2.shutdownHookEnabled=false"]
KAFKA_JVM = ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", *_JVM_COMMON]
MONGO_JVM = ["-Xms768m", "-Xmx2g", "-Xmn512m", "-XX:+UseParallelGC", *_JVM_COMMON]
STOP_TIMEOUT = 30.0


def _tail(path: Path, lines: int) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - 64_000))  # logs grow to 20 MB: read the end only
            return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no file)"


try:
    _LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
except OSError:
    _LIBC = None


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: the kernel sends SIGTERM to the JVM if this
    # Python process dies (even by SIGKILL), so a killed pytest leaves no orphan JVM behind.
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


@dataclass
class _JavaServer:
    """What both servers share: stale-process cleanup, spawning, readiness, stopping."""

    data_dir: Path
    port: int
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)
    name = "server"

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def log_file(self) -> Path:   # log4j's full log
        return self.log_dir / f"{self.name}.log"

    @property
    def out_file(self) -> Path:   # the JVM's stdout/stderr (crashes, bad flags) in library mode
        return self.log_dir / f"{self.name}.out"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / f"{self.name}.pid"

    @property
    def ports(self) -> list[int]:
        return [self.port]

    @property
    def address(self) -> str:
        """What a client connects to (bootstrap servers or URI)."""
        raise NotImplementedError

    def _marker(self) -> str:
        # On the JVM command line, so a stale process can be recognised as ours before killing it.
        return f"-Dnetreport.instance={self.pid_file}"

    def _log_props(self, console_level: str = "WARN") -> list[str]:
        return [f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", f"-Dnetreport.log.file={self.log_file}",
                f"-Dnetreport.console.level={console_level}"]

    def _command(self, arts: Artifacts) -> list[str]:
        raise NotImplementedError

    def _prepare(self, arts: Artifacts) -> None:
        """First-start setup in the data dir (Kafka formats its storage)."""

    def _probe(self, timeout: float) -> str | None:
        raise NotImplementedError

    def _reap_stale(self) -> None:
        """A previous run killed without cleanup may have left its JVM running: stop it."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError):
            cmdline = []
        if self._marker().encode() in cmdline and _pid_alive(pid):
            print(f"infra: stopping stale {self.name} JVM (pid {pid}) left by an earlier run in {self.data_dir}",
                  file=sys.stderr)
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
                while _pid_alive(pid):
                    time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)

    def start(self, *, foreground: bool = False) -> Self:
        """Spawn the JVM; does not wait for readiness. The JVM's stdout (WARN and up, crashes)
        goes to <name>.out, or with foreground=True (`infra run`) to our own stdout."""
        if self.process and self.process.poll() is None:
            raise InfraError(f"{self.name} already running (pid {self.process.pid})")
        arts = ensure_artifacts()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._reap_stale()
        for port in self.ports:
            if _port_taken(port):
                raise InfraError(f"{self.name}: port {port} on {HOST} is in use by another process (not one recorded "
                                 f"in {self.pid_file}); stop it (`ss -ltnp 'sport = :{port}'` shows it) or pick another port")
        self._prepare(arts)
        out = None if foreground else open(self.out_file, "ab")
        try:
            self.process = subprocess.Popen(
                self._command(arts), cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                # own session: a Ctrl-C in the terminal reaches us, and we stop the JVM in order
                start_new_session=True,
                # PDEATHSIG fires when the spawning *thread* exits; only the main thread lives as long as we do
                preexec_fn=_die_with_parent if threading.current_thread() is threading.main_thread() else None)
        finally:
            if out:
                out.close()
        self.pid_file.write_text(f"{self.process.pid}\n")
        return self

    def _died(self) -> str | None:
        if self.process is None:
            return f"{self.name} is not started"
        if self.process.poll() is not None:
            return f"{self.name} exited with code {self.process.returncode} while starting"
        return None

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once a client gets an answer; InfraError (with log tails) if it died or timed out."""
        try:
            _wait(f"{self.name} on port {self.port}", self._probe, timeout, self._died)
        except InfraError as e:
            raise InfraError(f"{e}\n{self.log_tail()}") from None

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM (clean shutdown), then SIGKILL after `timeout`. Returns the exit code."""
        proc, self.process = self.process, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.pid_file.unlink(missing_ok=True)
        return proc.returncode

    def log_tail(self, lines: int = 40) -> str:
        return (f"--- log tail of {self.log_file}:\n{_tail(self.log_file, lines)}\n"
                f"--- log tail of {self.out_file}:\n{_tail(self.out_file, lines // 2)}")

    def __enter__(self) -> Self:
        self.start()
        self.wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _new_cluster_id() -> str:
    # What `kafka-storage.sh random-uuid` prints (Kafka's Uuid.randomUuid): 16 random bytes,
    # URL-safe base64 without padding, never starting with "-". Saves a JVM start.
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


@dataclass
class KafkaServer(_JavaServer):
    """Single-node KRaft Kafka with SASL/SCRAM-SHA-512 and ACLs on its client listener.
    Files in data_dir: kafka.properties (rendered each start, 0600: it holds the admin's
    password), kafka.cluster-id, kafka.admin-password (made on first start, never in the
    repo), kafka/ (the log dirs, formatted on first start with the admin's credentials),
    logs/kafka.log. Only `admin` is a super user; every other principal gets what
    libs.common.kafka_acl grants it (deploy.kafka.access)."""

    port: int = DEFAULT_KAFKA_PORT
    controller_port: int = DEFAULT_CONTROLLER_PORT
    # One node by default; a member of a cluster (deploy/local/cluster.py) names its id, the
    # quorum's voters ("1@host:port,2@..."), and the internal topics' replication.
    node_id: int = 1
    voters: str = ""
    replication: int = 1
    min_isr: int = 1
    name = "kafka"

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    address = bootstrap

    @property
    def ports(self) -> list[int]:
        return [self.port, self.controller_port]

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "kafka.properties"

    @property
    def kraft_dir(self) -> Path:
        return self.data_dir / "kafka"

    @property
    def admin_password(self) -> str:
        path = self.data_dir / "kafka.admin-password"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def client_options(self) -> dict[str, Any]:
        """aiokafka's options for the admin principal."""
        return admin_options(self.admin_password)

    def _prepare(self, arts: Artifacts) -> None:
        formatted = (self.kraft_dir / "meta.properties").exists()
        if formatted and not (self.data_dir / "kafka.admin-password").exists():
            raise InfraError(f"the Kafka data in {self.kraft_dir} was made before the broker required authentication; "
                             "remove it (`make clean-data` for the local system) and start again")
        template = string.Template(SERVER_PROPERTIES.read_text())
        self.properties_file.write_text(template.substitute(
            port=self.port, controller_port=self.controller_port, log_dir=self.kraft_dir,
            admin_password=self.admin_password, node_id=self.node_id,
            voters=self.voters or f"{self.node_id}@{HOST}:{self.controller_port}",
            replication=self.replication, min_isr=self.min_isr))
        self.properties_file.chmod(0o600)
        if formatted:
            return  # formatted by an earlier start: reuse its cluster id, data and users
        id_file = self.data_dir / "kafka.cluster-id"
        if not id_file.exists():
            id_file.write_text(_new_cluster_id() + "\n")
        # A short-lived tool: the C1-only JIT halves its run time (3.4 s -> 1.6 s here).
        _run_tool([java_tool(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", *self._log_props(),
                   "-cp", arts.classpath, "kafka.tools.StorageTool",
                   "format", "-t", id_file.read_text().strip(), "-c", str(self.properties_file),
                   "--add-scram", f"SCRAM-SHA-512=[name={ADMIN},password={self.admin_password}]"],
                  "formatting Kafka storage", timeout=120)

    def _command(self, arts: Artifacts) -> list[str]:
        return [java_tool(), *KAFKA_JVM, *self._log_props(), self._marker(), "-cp", arts.classpath,
                "kafka.Kafka", str(self.properties_file)]

    def _probe(self, timeout: float) -> str | None:
        return probe_kafka(self.bootstrap, timeout, self.client_options)


ADMIN = "admin"


def admin_options(password: str, user: str = ADMIN) -> dict[str, Any]:
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": user, "sasl_plain_password": password}


def settings_env(options: dict[str, Any]) -> dict[str, str]:
    """The same options as the KAFKA_* settings every service reads (libs.common.kafka_auth)."""
    if not options:
        return {"KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"}
    return {"KAFKA_SECURITY_PROTOCOL": options["security_protocol"], "KAFKA_SASL_USERNAME": options["sasl_plain_username"],
            "KAFKA_SASL_PASSWORD": options["sasl_plain_password"]}


@dataclass
class MongoServer(_JavaServer):
    """mongo-java-server with the H2 backend. Files in data_dir: mongo.mv (the H2 MVStore
    file holding every database), logs/mongo.log."""

    port: int = DEFAULT_MONGO_PORT
    # The H2 page cache in MB (MongoServerMain.java says why 256); LOCAL_MONGO_CACHE_MB or
    # this field change it for measuring (bench/db_growth.py, bench_e2e --mongo-cache-mb).
    cache_mb: int = field(default_factory=lambda: int(os.environ.get("LOCAL_MONGO_CACHE_MB", "256")))
    name = "mongo"

    @property
    def uri(self) -> str:
        return f"mongodb://{HOST}:{self.port}"

    address = uri

    @property
    def store_file(self) -> Path:
        return self.data_dir / "mongo.mv"

    def _command(self, arts: Artifacts) -> list[str]:
        return [java_tool(), *MONGO_JVM, f"-Dnetreport.mvstore.cacheMb={self.cache_mb}", *self._log_props(), self._marker(), "-cp", arts.classpath,
                "MongoServerMain", HOST, str(self.port), str(self.store_file)]

    def _probe(self, timeout: float) -> str | None:
        return probe_mongo(self.uri, timeout)


# --------------------------------------------------------------------------- both, for tests

@dataclass
class LocalInfra:
    """What the pytest fixture hands out. kafka/mongo are None when an external server is used.
    `kafka_options` are aiokafka's options for the admin principal (empty: PLAINTEXT);
    `kafka_env` the same as settings (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*)."""

    kafka_bootstrap: str
    mongo_uri: str
    data_dir: Path
    kafka: KafkaServer | None = None
    mongo: MongoServer | None = None
    kafka_options: dict[str, Any] = field(default_factory=dict)

    @property
    def kafka_env(self) -> dict[str, str]:
        return settings_env(self.kafka_options)

    def stop(self) -> None:
        for server in (self.kafka, self.mongo):
            if server:
                server.stop()


def start_local_infra(data_dir: Path, *, kafka_bootstrap: str | None = None, mongo_uri: str | None = None,
                      kafka_options: dict[str, Any] | None = None, timeout: float = 90.0) -> LocalInfra:
    """Start Kafka and the database (those not given as external addresses) on free ports in
    data_dir, both at once, and wait until both answer. On any failure stop what was started
    and raise InfraError with the reason and the server logs."""
    data_dir = Path(data_dir)
    kafka = None if kafka_bootstrap else KafkaServer(data_dir, free_port(), free_port())
    mongo = None if mongo_uri else MongoServer(data_dir, free_port())
    options = kafka.client_options if kafka else dict(kafka_options or {})
    infra = LocalInfra(kafka_bootstrap or kafka.bootstrap, mongo_uri or mongo.uri, data_dir, kafka, mongo,  # type: ignore[union-attr]
                       options)
    try:
        for server in (mongo, kafka):  # mongo first: its JVM boots while Kafka formats storage
            if server:
                server.start()
        deadline = time.monotonic() + timeout
        mongo.wait_ready(timeout) if mongo else wait_mongo(infra.mongo_uri, timeout)
        left = max(1.0, deadline - time.monotonic())
        kafka.wait_ready(left) if kafka else wait_kafka(infra.kafka_bootstrap, left, options)
    except BaseException:
        infra.stop()
        raise
    return infra

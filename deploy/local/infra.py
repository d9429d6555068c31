"""The project's local Kafka and MongoDB-wire database, run from Maven Central jars (no Docker).

Kafka 4.4.0 runs as one KRaft node (broker and controller in one JVM); the database is
mongo-java-server 1.47.0 with its H2 file backend behind our small launcher,
MongoServerMain.java. See README.md beside this file for the decisions.

Library (used by tests/conftest.py and by the CLI below):
    ensure_artifacts()                        jars + compiled launcher, cached per user
    KafkaServer(data_dir, port, controller_port), MongoServer(data_dir, port)
        .start()  .wait_ready(timeout)  .stop()  .log_tail()
    start_local_infra(data_dir, ...)          both servers on free ports, ready, or InfraError
    wait_kafka(bootstrap, timeout), wait_mongo(uri, timeout)
    create_topics(bootstrap, {name: partitions})   (async)

CLI:
    python -m deploy.local.infra fetch
    python -m deploy.local.infra run kafka|mongo --data DIR [--port N] [--controller-port N]
    python -m deploy.local.infra wait [--kafka HOST:PORT] [--mongo URI] [--timeout S]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import ctypes
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LAUNCHER_SOURCE = HERE / "MongoServerMain.java"
LOG4J_CONFIG = HERE / "log4j2.yaml"
SERVER_PROPERTIES = HERE / "server.properties"

HOST = "127.0.0.1"
# Same ports as deploy/local/localenv.py uses for `make run`.
DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT, DEFAULT_MONGO_PORT = 19092, 19093, 27027

# Heap caps: both JVMs share a 2-core, shared machine with the services and the tests.
# Kafka is comfortable in 512 MB (about 400 MB resident); mongo-java-server grows to ~930 MB
# uncapped and stays near 280 MB with these flags, with no measurable slowdown.
# log4j's own shutdown hook races the servers' hooks and cuts their last lines ("shut down
# completed"); without it the file appender (flushing each line) logs to the very end.
_JVM_COMMON = ["-Djava.awt.headless=true", "-Dlog4j2.shutdownHookEnabled=false"]
KAFKA_JVM = ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", *_JVM_COMMON]
MONGO_JVM = ["-Xmx256m", "-XX:+UseSerialGC", *_JVM_COMMON]
STOP_TIMEOUT = 30.0


class InfraError(RuntimeError):
    """A local server or its artifacts cannot be used; the message says why (and shows logs)."""


# --------------------------------------------------------------------------- artifacts

def cache_root() -> Path:
    """User-level, so fresh clones and CI runs on the same machine reuse the ~45 MB of jars."""
    return Path(os.environ.get("NETREPORT_CACHE") or Path.home() / ".cache" / "netreport")


@dataclass(frozen=True)
class Artifacts:
    lib_dir: Path        # all jars (Kafka, mongo-java-server, log4j)
    launcher_dir: Path   # MongoServerMain.class

    @property
    def classpath(self) -> str:
        return f"{self.launcher_dir}{os.pathsep}{self.lib_dir}/*"


def _short_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def java_tool(name: str = "java") -> str:
    """JAVA_HOME/bin/<name> when JAVA_HOME is set (as Kafka's own scripts do), else PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        tool = Path(home) / "bin" / name
        if not os.access(tool, os.X_OK):
            raise InfraError(f"JAVA_HOME={home} has no executable bin/{name}; fix or unset JAVA_HOME")
        return str(tool)
    found = shutil.which(name)
    if not found:
        raise InfraError(f"`{name}` not found on PATH: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)")
    return found


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    # Two pytest sessions or `make` targets may fetch at once: one fetches, the other waits.
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_tool(cmd: list[str], what: str, timeout: float) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise InfraError(f"{what} did not finish in {timeout:.0f}s: {' '.join(cmd)}") from e
    if done.returncode != 0:
        output = "\n".join((done.stdout + done.stderr).strip().splitlines()[-40:])
        raise InfraError(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n{output}")


def ensure_artifacts(cache: Path | None = None) -> Artifacts:
    """Fetch the jars with Maven and compile the launcher, once per pom/source version.

    Results go to <cache>/jars-<pom hash>/{lib,launcher-<source hash>}/, each with a
    `complete` marker written last, so an interrupted fetch is redone, never half-used.
    """
    root = cache or cache_root()
    base = root / f"jars-{_short_hash(POM)}"
    arts = Artifacts(base / "lib", base / f"launcher-{_short_hash(LAUNCHER_SOURCE)}")
    if (base / "complete").exists() and (arts.launcher_dir / "complete").exists():
        return arts
    base.mkdir(parents=True, exist_ok=True)
    with _file_lock(root / ".lock"):
        if not (base / "complete").exists():
            mvn = shutil.which("mvn")
            if not mvn:
                raise InfraError("`mvn` not found on PATH: install Maven (apt-get install maven) to fetch the Kafka and database jars")
            java_tool("java")  # Maven needs it too; say so clearly rather than through Maven
            print(f"infra: fetching Kafka and mongo-java-server jars into {arts.lib_dir} (first time, ~25 s)", file=sys.stderr)
            partial = base / "lib.partial"
            shutil.rmtree(partial, ignore_errors=True)
            _run_tool([mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
                       "-DincludeScope=runtime", f"-DoutputDirectory={partial}"], "Maven jar fetch", timeout=900)
            shutil.rmtree(arts.lib_dir, ignore_errors=True)
            partial.rename(arts.lib_dir)
            (base / "complete").write_text(f"{len(list(arts.lib_dir.glob('*.jar')))} jars\n")
        if not (arts.launcher_dir / "complete").exists():
            partial = base / "launcher.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            _run_tool([java_tool("javac"), "-d", str(partial), "-cp", f"{arts.lib_dir}/*", str(LAUNCHER_SOURCE)],
                      "compiling MongoServerMain.java", timeout=300)
            shutil.rmtree(arts.launcher_dir, ignore_errors=True)
            partial.rename(arts.launcher_dir)
            (arts.launcher_dir / "complete").write_text(_short_hash(LAUNCHER_SOURCE) + "\n")
    return arts


# --------------------------------------------------------------------------- readiness

def _run_async(coro_fn: Callable[[], object]) -> object:
    """Run an async check from sync code, even when the caller is inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_fn())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn())).result()


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    # Filters do not propagate down, so every existing child logger gets one.
    def drop(_record: logging.LogRecord) -> bool:
        return False
    loggers = [logging.getLogger(name) for name in [logger_name, *logging.root.manager.loggerDict]
               if name == logger_name or name.startswith(logger_name + ".")]
    for lg in loggers:
        lg.addFilter(drop)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(drop)


def probe_kafka(bootstrap: str, timeout: float = 5.0) -> str | None:
    """None when the broker answers metadata with a broker and a controller, else why not."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def check() -> str | None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
        try:
            async with asyncio.timeout(timeout):
                await admin.start()
                cluster = await admin.describe_cluster()
                # Finding a group coordinator makes Kafka create __consumer_offsets now, so the
                # services' consumer groups do not each log "coordinator not available" while it does.
                await admin.describe_consumer_groups(["netreport-readiness-probe"])
        except Exception as e:  # noqa: BLE001 - any failure just means "not ready yet"
            return f"{type(e).__name__}: {e}"
        finally:
            await admin.close()
        if not cluster["brokers"] or cluster["controller_id"] < 0:
            return f"no broker/controller registered yet: {cluster}"
        return None

    with _quiet("aiokafka"):  # a refused connection is the expected answer while Kafka starts
        return _run_async(check)  # type: ignore[return-value]


def probe_mongo(uri: str, timeout: float = 5.0) -> str | None:
    """None when the server answers a ping, else why not."""
    from pymongo import MongoClient

    ms = int(timeout * 1000)
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms)
    try:
        client.admin.command("ping")
        return None
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"
    finally:
        client.close()


def _wait(what: str, probe: Callable[[float], str | None], timeout: float,
          died: Callable[[], str | None] = lambda: None) -> None:
    """Poll probe(attempt_timeout) until it returns None; raise InfraError on death or timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if why := died():
            raise InfraError(why)
        if (error := probe(min(5.0, max(0.5, deadline - time.monotonic())))) is None:
            return
        if time.monotonic() >= deadline:
            raise InfraError(f"{what} not ready after {timeout:.0f}s: {error[:400]}")
        time.sleep(0.25)


def wait_kafka(bootstrap: str, timeout: float = 60.0) -> None:
    _wait(f"Kafka at {bootstrap}", lambda t: probe_kafka(bootstrap, t), timeout)


def wait_mongo(uri: str, timeout: float = 60.0) -> None:
    _wait(f"database at {uri}", lambda t: probe_mongo(uri, t), timeout)


async def create_topics(bootstrap: str, topics: dict[str, int], *, replication_factor: int = 1,
                        timeout: float = 30.0) -> list[str]:
    """Create the missing topics ({name: partitions}); return the names created now.

    An existing topic is left as it is (its partition count is not changed). aiokafka does
    not raise on per-topic errors, so the response is checked: 36 (already exists) is fine,
    any other code raises InfraError. Returns once every partition has a leader, so the
    first produce does not bounce off NotLeaderForPartition.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError
    from aiokafka.protocol.metadata import MetadataRequest

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, partitions, replication_factor) for name, partitions in topics.items()],
            timeout_ms=int(timeout * 1000))
        created, failed = [], []
        for name, code, *message in response.topic_errors:
            if code == 0:
                created.append(name)
            elif code != TopicAlreadyExistsError.errno:
                failed.append(f"{name}: error {code} {message[0] if message else ''}".strip())
        if failed:
            raise InfraError("creating topics failed: " + "; ".join(failed))
        # Metadata without auto-creation (admin.describe_topics would ask the broker to
        # auto-create, which logs a TOPIC_ALREADY_EXISTS warning per topic).
        request = MetadataRequest(list(topics), allow_auto_topic_creation=False)
        async with asyncio.timeout(timeout):
            while True:
                described = (await admin._send_request(request)).to_object()["topics"]
                if all(t["error_code"] == 0 and t["partitions"] and all(p["leader"] >= 0 for p in t["partitions"])
                       for t in described):
                    return created
                await asyncio.sleep(0.1)
    finally:
        await admin.close()


# --------------------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port_taken(port: int) -> bool:
    # SO_REUSEADDR like the JVM's server sockets, so TIME_WAIT leftovers don't count as taken.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


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
    """Single-node KRaft Kafka. Files in data_dir: kafka.properties (rendered each start),
    kafka.cluster-id, kafka/ (the log dirs, formatted on first start), logs/kafka.log."""

    port: int = DEFAULT_KAFKA_PORT
    controller_port: int = DEFAULT_CONTROLLER_PORT
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

    def _prepare(self, arts: Artifacts) -> None:
        template = string.Template(SERVER_PROPERTIES.read_text())
        self.properties_file.write_text(template.substitute(
            port=self.port, controller_port=self.controller_port, log_dir=self.kraft_dir))
        if (self.kraft_dir / "meta.properties").exists():
            return  # formatted by an earlier start: reuse its cluster id and data
        id_file = self.data_dir / "kafka.cluster-id"
        if not id_file.exists():
            id_file.write_text(_new_cluster_id() + "\n")
        # A short-lived tool: the C1-only JIT halves its run time (3.4 s -> 1.6 s here).
        _run_tool([java_tool(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", *self._log_props(),
                   "-cp", arts.classpath, "kafka.tools.StorageTool",
                   "format", "-t", id_file.read_text().strip(), "-c", str(self.properties_file)],
                  "formatting Kafka storage", timeout=120)

    def _command(self, arts: Artifacts) -> list[str]:
        return [java_tool(), *KAFKA_JVM, *self._log_props(), self._marker(), "-cp", arts.classpath,
                "kafka.Kafka", str(self.properties_file)]

    def _probe(self, timeout: float) -> str | None:
        return probe_kafka(self.bootstrap, timeout)


@dataclass
class MongoServer(_JavaServer):
    """mongo-java-server with the H2 backend. Files in data_dir: mongo.mv (the H2 MVStore
    file holding every database), logs/mongo.log."""

    port: int = DEFAULT_MONGO_PORT
    name = "mongo"

    @property
    def uri(self) -> str:
        return f"mongodb://{HOST}:{self.port}"

    address = uri

    @property
    def store_file(self) -> Path:
        return self.data_dir / "mongo.mv"

    def _command(self, arts: Artifacts) -> list[str]:
        return [java_tool(), *MONGO_JVM, *self._log_props(), self._marker(), "-cp", arts.classpath,
                "MongoServerMain", HOST, str(self.port), str(self.store_file)]

    def _probe(self, timeout: float) -> str | None:
        return probe_mongo(self.uri, timeout)


# --------------------------------------------------------------------------- both, for tests

@dataclass
class LocalInfra:
    """What the pytest fixture hands out. kafka/mongo are None when an external server is used."""

    kafka_bootstrap: str
    mongo_uri: str
    data_dir: Path
    kafka: KafkaServer | None = None
    mongo: MongoServer | None = None

    def stop(self) -> None:
        for server in (self.kafka, self.mongo):
            if server:
                server.stop()


def start_local_infra(data_dir: Path, *, kafka_bootstrap: str | None = None, mongo_uri: str | None = None,
                      timeout: float = 90.0) -> LocalInfra:
    """Start Kafka and the database (those not given as external addresses) on free ports in
    data_dir, both at once, and wait until both answer. On any failure stop what was started
    and raise InfraError with the reason and the server logs."""
    data_dir = Path(data_dir)
    kafka = None if kafka_bootstrap else KafkaServer(data_dir, free_port(), free_port())
    mongo = None if mongo_uri else MongoServer(data_dir, free_port())
    infra = LocalInfra(kafka_bootstrap or kafka.bootstrap, mongo_uri or mongo.uri, data_dir, kafka, mongo)  # type: ignore[union-attr]
    try:
        for server in (mongo, kafka):  # mongo first: its JVM boots while Kafka formats storage
            if server:
                server.start()
        deadline = time.monotonic() + timeout
        mongo.wait_ready(timeout) if mongo else wait_mongo(infra.mongo_uri, timeout)
        left = max(1.0, deadline - time.monotonic())
        kafka.wait_ready(left) if kafka else wait_kafka(infra.kafka_bootstrap, left)
    except BaseException:
        infra.stop()
        raise
    return infra


# --------------------------------------------------------------------------- CLI

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
        if args.kafka:
            wait_kafka(args.kafka, max(1.0, deadline - time.monotonic()))
        print("infra: ready: " + ", ".join(filter(None, [args.kafka and f"kafka {args.kafka}", args.mongo and f"mongo {args.mongo}"])))
        return 0
    except InfraError as e:
        print(f"infra: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

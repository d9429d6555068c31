"""The local servers' artifacts: the Kafka and mongo-java-server jars from Maven Central,
our compiled database launcher, the Java tools, in a per-user cache that later runs reuse."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LAUNCHER_SOURCE = HERE / "MongoServerMain.java"
# Compiled with it: the database that answers {_id, ...} filters by the _id index.
LAUNCHER_SOURCES = (LAUNCHER_SOURCE, HERE / "IdFirstH2Database.java")


class InfraError(RuntimeError):
    """A local server or its artifacts cannot be used; the message says why (and shows logs)."""


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


def _sources_hash() -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in LAUNCHER_SOURCES)).hexdigest()[:12]


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
    arts = Artifacts(base / "lib", base / f"launcher-{_sources_hash()}")
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
            _run_tool([java_tool("javac"), "-d", str(partial), "-cp", f"{arts.lib_dir}/*", *map(str, LAUNCHER_SOURCES)],
                      "compiling MongoServerMain.java", timeout=300)
            shutil.rmtree(arts.launcher_dir, ignore_errors=True)
            partial.rename(arts.launcher_dir)
            (arts.launcher_dir / "complete").write_text(_sources_hash() + "\n")
    return arts

"""Is a local server ready? Readiness probes by connecting (never by sleeping), the wait
loops around them, topic creation, and free loopback ports."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from deploy.local.artifacts import InfraError
from libs.common.settings import bootstrap_list

HOST = "127.0.0.1"
KafkaOptions = Mapping[str, Any]  # aiokafka's security options (deploy.local.servers.KafkaServer.client_options)


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


def probe_kafka(bootstrap: str, timeout: float = 5.0, options: KafkaOptions | None = None) -> str | None:
    """None when the broker answers metadata with a broker and a controller, else why not."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def check() -> str | None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_list(bootstrap), request_timeout_ms=int(timeout * 1000), **(options or {}))
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


def wait_kafka(bootstrap: str, timeout: float = 60.0, options: KafkaOptions | None = None) -> None:
    _wait(f"Kafka at {bootstrap}", lambda t: probe_kafka(bootstrap, t, options), timeout)


def wait_mongo(uri: str, timeout: float = 60.0) -> None:
    _wait(f"database at {uri}", lambda t: probe_mongo(uri, t), timeout)


async def create_topics(bootstrap: str, topics: dict[str, int], *, replication_factor: int = 1,
                        timeout: float = 30.0, options: KafkaOptions | None = None) -> list[str]:
    """Create the missing topics ({name: partitions}); return the names created now.

    An existing topic is left as it is (its partition count is not changed). aiokafka does
    not raise on per-topic errors, so the response is checked: 36 (already exists) is fine,
    any other code raises InfraError. Returns once every partition has a leader, so the
    first produce does not bounce off NotLeaderForPartition.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError
    from aiokafka.protocol.metadata import MetadataRequest

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_list(bootstrap), request_timeout_ms=int(timeout * 1000), **(options or {}))
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

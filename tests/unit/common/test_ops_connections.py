"""How every service connects to a cluster: all the brokers of KAFKA_BOOTSTRAP_SERVERS, and a
database client that writes with the majority and reads majority-committed data unless the
settings say otherwise (docs/guarantees.md: an answered report survives a primary's failover)."""
from __future__ import annotations

from libs.common.db import make_client
from libs.common.settings import ServiceSettings


def test_the_client_writes_to_a_majority_and_reads_majority_committed_data_by_default(monkeypatch) -> None:
    for name in ("MONGO_WRITE_CONCERN", "MONGO_READ_CONCERN", "MONGO_WRITE_TIMEOUT_MS"):
        monkeypatch.delenv(name, raising=False)
    client = make_client(ServiceSettings(MONGO_URI="mongodb://db-1,db-2,db-3/?replicaSet=rs0&w=1"))
    assert client.write_concern.document == {"w": "majority", "wtimeout": 10_000}  # the URI's w=1 does not win
    assert client.read_concern.level == "majority"


def test_the_concerns_come_from_the_settings(monkeypatch) -> None:
    monkeypatch.setenv("MONGO_WRITE_CONCERN", "2")
    monkeypatch.setenv("MONGO_READ_CONCERN", "local")
    client = make_client(ServiceSettings(MONGO_URI="mongodb://db-1/?replicaSet=rs0"))
    assert client.write_concern.document["w"] == 2
    assert client.read_concern.level == "local"


def test_every_broker_of_the_bootstrap_list_is_a_host_to_try(monkeypatch) -> None:
    # aiokafka takes a string as one host name: "a:9092,b:9092" would resolve nowhere.
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092, kafka-2:9092,kafka-3:9092")
    assert ServiceSettings().kafka_bootstrap == ["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]

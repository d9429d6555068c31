"""Settings from the environment (pydantic-settings), one class per service.

Connection settings are shared and unprefixed (KAFKA_BOOTSTRAP_SERVERS, MONGO_URI, ...),
so one environment points every service at the same cluster; each service adds its own
fields under its own prefix (INTAKE_, TRIAGE_, DISPATCH_, RUMOR_).
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias=_env("KAFKA_BOOTSTRAP_SERVERS"))
    # Empty in production; tests give each run its own prefix so they never see each other.
    topic_prefix: str = Field("", validation_alias=_env("TOPIC_PREFIX"))
    mongo_uri: str = Field("mongodb://127.0.0.1:27017", validation_alias=_env("MONGO_URI"))
    mongo_db_prefix: str = Field("netreport", validation_alias=_env("MONGO_DB_PREFIX"))
    # A write is answered once a majority of the replica set has it, so an answered report
    # survives a primary's failover (PyMongo's default is w=1); reads see only what a
    # majority has, so nobody acts on a write that a failover rolls back (docs/guarantees.md).
    # A standalone server (mongo-java-server locally) treats both as its only member.
    mongo_write_concern: str = Field("majority", validation_alias=_env("MONGO_WRITE_CONCERN"))
    mongo_read_concern: Literal["local", "majority", "linearizable", "available", "snapshot"] = Field(
        "majority", validation_alias=_env("MONGO_READ_CONCERN"))
    # Wait this long for the majority before failing the write (the caller then answers 503).
    mongo_write_timeout_ms: int = Field(10_000, ge=0, validation_alias=_env("MONGO_WRITE_TIMEOUT_MS"))
    data_dir: Path = Field(REPO_ROOT / ".data", validation_alias=_env("DATA_DIR"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    log_json: bool = Field(True, validation_alias=_env("LOG_JSON"))
    # Key for pseudonymous reporter ids and reporter-data encryption: from the environment
    # only. `make run` generates a local one into the data folder; production injects it.
    secret_key: SecretStr | None = Field(None, validation_alias=_env("NETREPORT_SECRET_KEY"))
    # Keys rotated out: they still open what they sealed (comma-separated), until rekey is done.
    old_secret_keys: SecretStr | None = Field(None, validation_alias=_env("NETREPORT_OLD_SECRET_KEYS"))
    # Pseudonyms' own key, pinned before a rotation so reporters keep theirs (default: the secret key).
    pseudonym_key: SecretStr | None = Field(None, validation_alias=_env("NETREPORT_PSEUDONYM_KEY"))

    # Operators' (and departments', admins') bearer tokens, as `name:role:sha256` entries
    # (libs.common.http.access): only hashes live in the environment, never the tokens.
    operator_tokens: SecretStr | None = Field(None, validation_alias=_env("OPERATOR_TOKENS"))
    # Proxies in front of the service that append to X-Forwarded-For (0: the header is ignored).
    trusted_proxies: int = Field(0, ge=0, le=10, validation_alias=_env("TRUSTED_PROXIES"))

    # How this service authenticates to Kafka (libs.common.kafka_auth): its own principal.
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", validation_alias=_env("KAFKA_SECURITY_PROTOCOL"))
    kafka_sasl_username: str | None = Field(None, validation_alias=_env("KAFKA_SASL_USERNAME"))
    kafka_sasl_password: SecretStr | None = Field(None, validation_alias=_env("KAFKA_SASL_PASSWORD"))
    kafka_sasl_password_file: Path | None = Field(None, validation_alias=_env("KAFKA_SASL_PASSWORD_FILE"))
    kafka_ssl_cafile: Path | None = Field(None, validation_alias=_env("KAFKA_SSL_CAFILE"))

    # How often each service reads its consumer groups' lag from Kafka (libs.common.lag), and how
    # long one pass may take before it counts as failed (a hung broker never refuses).
    lag_probe_interval_s: float = Field(5.0, gt=0, validation_alias=_env("LAG_PROBE_INTERVAL_S"))
    lag_probe_timeout_s: float = Field(10.0, gt=0, validation_alias=_env("LAG_PROBE_TIMEOUT_S"))

    create_topics: bool = Field(True, validation_alias=_env("KAFKA_CREATE_TOPICS"))
    # 1 for the local single node; 3 on a production cluster (with min.insync.replicas=2).
    kafka_replication_factor: int = Field(1, validation_alias=_env("KAFKA_REPLICATION_FACTOR"))

    service_name: str = "service"
    http_host: str = "127.0.0.1"
    http_port: int = 8000

    @property
    def kafka_bootstrap(self) -> list[str]:
        """KAFKA_BOOTSTRAP_SERVERS as the list aiokafka needs (it takes a string as one host)."""
        return bootstrap_list(self.kafka_bootstrap_servers)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}" if self.topic_prefix else name

    @property
    def mongo_db(self) -> str:
        return f"{self.mongo_db_prefix}_{self.service_name}"


def bootstrap_list(servers: str | list[str]) -> list[str]:
    """"kafka-1:9092,kafka-2:9092" -> ["kafka-1:9092", "kafka-2:9092"]."""
    if isinstance(servers, list):
        return servers
    return [s.strip() for s in servers.split(",") if s.strip()]


def privacy_keys(settings: ServiceSettings) -> tuple[str, list[str], str | None]:
    """(the sealing key, the keys rotated out, the pseudonym key) from the settings."""
    if settings.secret_key is None:
        raise SystemExit("NETREPORT_SECRET_KEY is not set: reporter data cannot be encrypted")
    olds = [k.strip() for k in (settings.old_secret_keys.get_secret_value() if settings.old_secret_keys else "").split(",")
            if k.strip()]
    pseudonym = settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None
    return settings.secret_key.get_secret_value(), olds, pseudonym

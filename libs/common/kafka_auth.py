"""How every Kafka client of the system authenticates, from the settings, in one place.

SASL with SCRAM-SHA-512: over SASL_PLAINTEXT on the local single node (loopback only),
over SASL_SSL on a production cluster. Each service is its own principal (KAFKA_SASL_USERNAME,
its password in KAFKA_SASL_PASSWORD or a file named by KAFKA_SASL_PASSWORD_FILE), and the
brokers' ACLs (libs.common.kafka_acl) say what each may read and write. PLAINTEXT (no
authentication) remains possible for a cluster that authenticates at the network level.
"""
from __future__ import annotations

import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLScram512

from libs.common.settings import ServiceSettings

MECHANISM = "SCRAM-SHA-512"


def password_of(settings: ServiceSettings) -> str | None:
    if settings.kafka_sasl_password is not None:
        return settings.kafka_sasl_password.get_secret_value()
    if settings.kafka_sasl_password_file is not None:
        return settings.kafka_sasl_password_file.read_text().strip()
    return None


def _ssl_context(settings: ServiceSettings) -> ssl.SSLContext | None:
    if settings.kafka_security_protocol != "SASL_SSL":
        return None
    return ssl.create_default_context(cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None)


def client_options(settings: ServiceSettings) -> dict[str, Any]:
    """Keyword arguments for aiokafka's consumers, producers and admin client."""
    if settings.kafka_security_protocol == "PLAINTEXT":
        return {}
    if not settings.kafka_sasl_username or password_of(settings) is None:
        raise SystemExit(f"KAFKA_SECURITY_PROTOCOL={settings.kafka_security_protocol} needs KAFKA_SASL_USERNAME "
                         "and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)")
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol, "sasl_mechanism": MECHANISM,
                               "sasl_plain_username": settings.kafka_sasl_username,
                               "sasl_plain_password": password_of(settings)}
    if context := _ssl_context(settings):
        options["ssl_context"] = context
    return options


def broker_security(settings: ServiceSettings) -> BaseSecurity | None:
    """The same, for FastStream's broker."""
    if settings.kafka_security_protocol == "PLAINTEXT":
        return None
    options = client_options(settings)
    return SASLScram512(options["sasl_plain_username"], options["sasl_plain_password"],
                        ssl_context=options.get("ssl_context"), use_ssl=settings.kafka_security_protocol == "SASL_SSL")


def confluent_options(settings: ServiceSettings) -> dict[str, str]:
    """The same, in librdkafka's words (the admin tools that manage users and ACLs)."""
    out = {"bootstrap.servers": settings.kafka_bootstrap_servers, "security.protocol": settings.kafka_security_protocol}
    if settings.kafka_security_protocol != "PLAINTEXT":
        out |= {"sasl.mechanism": MECHANISM, "sasl.username": settings.kafka_sasl_username or "",
                "sasl.password": password_of(settings) or ""}
        if settings.kafka_ssl_cafile:
            out["ssl.ca.location"] = str(settings.kafka_ssl_cafile)
    return out

"""Kafka principals and ACLs: make a cluster grant exactly what libs.common.kafka_acl says.

    python -m deploy.kafka.access            # show what would change (the default)
    python -m deploy.kafka.access --apply    # create missing SCRAM users and ACLs

Runs as the cluster's admin principal (KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD with
KAFKA_SECURITY_PROTOCOL, as every client). Users get their passwords from
KAFKA_PRINCIPAL_PASSWORDS_DIR (one file per principal, e.g. from the platform's secret
store), or are left to the cluster's operators when that is unset. ACLs are only added:
one that the plan no longer has is reported, never removed silently. Idempotent: a second
run changes nothing. `make run` calls `apply` through deploy/local/topics.py.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from confluent_kafka.admin import (
    AclBinding, AclBindingFilter, AclOperation, AclPermissionType, AdminClient, ResourcePatternType, ResourceType,
    ScramCredentialInfo, ScramMechanism, UserScramCredentialUpsertion,
)

from libs.common.kafka_acl import Grant, all_grants, principals

TIMEOUT_S = 60.0
_OPS = {"READ": AclOperation.READ, "WRITE": AclOperation.WRITE, "DESCRIBE": AclOperation.DESCRIBE,
        "CREATE": AclOperation.CREATE}
_RESOURCES = {"TOPIC": ResourceType.TOPIC, "GROUP": ResourceType.GROUP, "CLUSTER": ResourceType.BROKER}
_PATTERNS = {"LITERAL": ResourcePatternType.LITERAL, "PREFIXED": ResourcePatternType.PREFIXED}


def binding(grant: Grant) -> AclBinding:
    return AclBinding(_RESOURCES[grant.resource], grant.name, _PATTERNS[grant.pattern], grant.principal, "*",
                      _OPS[grant.operation], AclPermissionType.ALLOW)


def _key(b: AclBinding) -> tuple[str, str, str, str, str]:
    return (str(b.restype), b.name, str(b.resource_pattern_type), b.principal, str(b.operation))


def existing_acls(admin: AdminClient) -> set[tuple[str, str, str, str, str]]:
    every = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY,
                             AclPermissionType.ANY)
    return {_key(b) for b in admin.describe_acls(every, request_timeout=TIMEOUT_S).result()}


def plan(admin: AdminClient, grants: Iterable[Grant]) -> list[AclBinding]:
    """The ACLs the cluster lacks."""
    have = existing_acls(admin)
    return [b for b in map(binding, grants) if _key(b) not in have]


def apply_acls(admin: AdminClient, missing: list[AclBinding]) -> None:
    if missing:
        for future in admin.create_acls(missing, request_timeout=TIMEOUT_S).values():
            future.result()


def ensure_users(admin: AdminClient, passwords: Mapping[str, str]) -> int:
    """SCRAM-SHA-512 credentials for each principal (an upsert: also a password change)."""
    if not passwords:
        return 0
    upserts = [UserScramCredentialUpsertion(user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), pw.encode())
               for user, pw in passwords.items()]
    for future in admin.alter_user_scram_credentials(upserts, request_timeout=TIMEOUT_S).values():
        future.result()
    return len(upserts)


def read_passwords(folder: Path | None, names: Iterable[str]) -> dict[str, str]:
    if folder is None:
        return {}
    return {name: (folder / name).read_text().strip() for name in names if (folder / name).exists()}


def librdkafka_options(bootstrap: str, aiokafka: Mapping[str, object]) -> dict[str, str]:
    """aiokafka's security options (SASL_PLAINTEXT/SCRAM) in librdkafka's words."""
    out = {"bootstrap.servers": bootstrap, "security.protocol": str(aiokafka.get("security_protocol", "PLAINTEXT"))}
    if aiokafka.get("sasl_mechanism"):
        out |= {"sasl.mechanism": str(aiokafka["sasl_mechanism"]), "sasl.username": str(aiokafka["sasl_plain_username"]),
                "sasl.password": str(aiokafka["sasl_plain_password"])}
    return out


def setup(options: Mapping[str, str], departments: list[str], *, prefix: str = "", passwords: Mapping[str, str] = {},
          apply: bool = True) -> tuple[int, list[AclBinding]]:
    """Users, then ACLs; returns (users written, ACLs missing before)."""
    admin = AdminClient(dict(options))
    missing = plan(admin, all_grants(departments, prefix))
    if not apply:
        return 0, missing
    users = ensure_users(admin, passwords)
    apply_acls(admin, missing)
    return users, missing


def main(argv: list[str] | None = None) -> int:
    import os

    from libs.common.kafka_auth import confluent_options
    from libs.common.settings import ServiceSettings
    from services.dispatch.directory import load_directory
    from services.dispatch.settings import DispatchSettings

    parser = argparse.ArgumentParser(prog="python -m deploy.kafka.access", description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", action="store_true", help="change the cluster (default: only show the diff)")
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    departments = [d.code for d in load_directory(DispatchSettings().directory_file).all_departments()]
    folder = os.environ.get("KAFKA_PRINCIPAL_PASSWORDS_DIR")
    passwords = read_passwords(Path(folder) if folder else None, principals(departments))
    users, missing = setup(confluent_options(settings), departments, prefix=settings.topic_prefix,
                           passwords=passwords, apply=args.apply)
    for b in missing:
        print(f"{'+ ' if args.apply else 'would add '}{b.principal} {b.operation.name} {b.restype.name}:{b.name} "
              f"({b.resource_pattern_type.name})")
    print(f"access: {len(missing)} ACLs {'added' if args.apply else 'missing'}, {users} users written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Pure: which principal may do what on which topic and consumer group (the brokers' ACLs).

One principal per service (User:intake, User:triage, User:dispatch, User:rumor) and per
department (User:dept-<department_code>); nothing is allowed that is not listed here
(allow.everyone.if.no.acl.found=false). A department reads only its own dispatch topic
and writes only cases.feedback (its answers are signed as well: a department cannot
answer for another, services/dispatch/feedback_signature.py); only the services write
reports.replies and the media topics, so no outsider can put a link on a reporter's status
page or an article on the rebuttal site. `prefix` is a deployment's topic prefix (tests).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from libs.common import topics as t

Operation = Literal["READ", "WRITE", "DESCRIBE", "CREATE"]
Resource = Literal["TOPIC", "GROUP", "CLUSTER"]
Pattern = Literal["LITERAL", "PREFIXED"]
SERVICES = ("intake", "triage", "dispatch", "rumor")


@dataclass(frozen=True)
class Grant:
    principal: str  # "User:<name>"
    operation: Operation
    resource: Resource
    name: str
    pattern: Pattern = "LITERAL"


def department_principal(code: str) -> str:
    return f"dept-{code}"


@dataclass(frozen=True)
class Access:
    """What one service reads (with its groups) and writes; prefixed names end with '.'."""

    reads: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


def _dlqs(*consumed: str) -> tuple[str, ...]:
    return tuple(t.dlq_topic(topic) for topic in consumed)


SERVICE_ACCESS: dict[str, Access] = {
    "intake": Access(reads=(t.REPORTS_REPLIES,), groups=("intake-replies",),
                     writes=(t.REPORTS_SUBMITTED, *_dlqs(t.REPORTS_REPLIES))),
    "triage": Access(reads=(t.REPORTS_SUBMITTED,), groups=("triage",),
                     writes=(t.REPORTS_TRIAGED, t.REPORTS_REPLIES, *_dlqs(t.REPORTS_SUBMITTED))),
    "dispatch": Access(
        reads=(t.REPORTS_TRIAGED, t.CASES_FEEDBACK, t.CASES_TAKEDOWN, t.RUMORS_EVENTS, t.CASES_EVENTS, t.DUTY_PAGES),
        groups=("dispatch", "dispatch-feedback", "dispatch-takedown", "dispatch-rumors", "dispatch-duty",
                "dispatch-duty-notify"),
        writes=(t.CASES_EVENTS, t.CASES_TRANSFERRED, t.CASES_TAKEDOWN, t.CASES_FEEDBACK, t.REPORTS_REPLIES, t.DUTY_PAGES,
                t.dispatch_topic(""),  # dispatch.<every department>
                *_dlqs(t.REPORTS_TRIAGED, t.CASES_FEEDBACK, t.CASES_TAKEDOWN, t.RUMORS_EVENTS, t.CASES_EVENTS,
                       t.DUTY_PAGES))),
    "rumor": Access(reads=(t.REPORTS_TRIAGED, t.media_topic("")), groups=("rumor", "rumor-media"),
                    writes=(t.RUMORS_EVENTS, t.REPORTS_REPLIES, t.media_topic(""),  # media.<channel> and their DLQs
                            *_dlqs(t.REPORTS_TRIAGED))),
}


def _topic(principal: str, operation: Operation, name: str, prefix: str) -> Grant:
    pattern: Pattern = "PREFIXED" if name.endswith(".") else "LITERAL"
    return Grant(f"User:{principal}", operation, "TOPIC", prefix + name, pattern)


def service_grants(service: str, prefix: str = "") -> list[Grant]:
    access, user = SERVICE_ACCESS[service], f"User:{service}"
    grants = [_topic(service, "READ", name, prefix) for name in access.reads]
    grants += [_topic(service, "WRITE", name, prefix) for name in access.writes]
    grants += [Grant(user, "READ", "GROUP", prefix + group) for group in access.groups]
    # Metadata and the lag probe: every topic's offsets and the service's groups' offsets.
    grants += [_everything(user, "TOPIC", prefix), _everything(user, "GROUP", prefix)]
    return grants


def _everything(user: str, resource: Resource, prefix: str) -> Grant:
    """DESCRIBE on every name of the deployment (a prefix can't be empty: then the wildcard)."""
    return Grant(user, "DESCRIBE", resource, prefix, "PREFIXED") if prefix else Grant(user, "DESCRIBE", resource, "*")


def department_grants(code: str, prefix: str = "") -> list[Grant]:
    name = department_principal(code)
    user = f"User:{name}"
    return [
        _topic(name, "READ", t.dispatch_topic(code), prefix),
        _topic(name, "DESCRIBE", t.dispatch_topic(code), prefix),
        _topic(name, "WRITE", t.CASES_FEEDBACK, prefix),
        _topic(name, "DESCRIBE", t.CASES_FEEDBACK, prefix),
        # Its consumer group; escalations to it arrive on its own topic as supervisor copies.
        Grant(user, "READ", "GROUP", f"{prefix}{code}-client"),
    ]


def all_grants(departments: list[str], prefix: str = "") -> list[Grant]:
    grants = [g for service in SERVICES for g in service_grants(service, prefix)]
    return grants + [g for code in departments for g in department_grants(code, prefix)]


def principals(departments: list[str]) -> list[str]:
    return [*SERVICES, *(department_principal(code) for code in departments)]

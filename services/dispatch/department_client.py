"""A reference department client: what a department's IT team starts from.

    python -m services.dispatch.department_client --department nn-city-police \\
        [--bootstrap 127.0.0.1:9092] [--accept] [--handle "查实并封停赌博网站"] \\
        [--reject "不属本单位职责"] [--remove "已删除"] [--handler-name 张警官] [--watch-events]

It reads the department's own topic `dispatch.<code>` with plain aiokafka, prints every
case handed to it (one JSON line each) and, for the cases it handles, answers on
`cases.feedback`: accepted, then handled / removed / rejected as asked. It relies on
nothing but the JSON shape of the messages (see the AsyncAPI document), so it can be
rewritten in any language. With --watch-events it also prints the center's reminders
(催办), supervision (督办), escalations and morning digests for this department; that reads
cases.events, which a department's own Kafka principal may not read (its ACL grants READ on
dispatch.<code> only): it is for a principal the center grants it to.

Authentication, when the brokers require it (the AsyncAPI document's servers): --sasl-user
with the password in KAFKA_SASL_PASSWORD (not on the command line, where `ps` shows it),
SCRAM-SHA-512 over SASL_PLAINTEXT, or over SASL_SSL with --tls. Every answer is signed with
the department's key from DEPARTMENT_SIGNING_KEY (the center gives it with the Kafka
credentials): an answer without the right signature is not applied.

At-least-once: the offset is committed only after the answers are written (acks=all).
Answer ids are derived from (case, dispatch round, action), so a client that restarts and
answers the same case again sends the same ids and the center applies them once.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import ssl
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

NAMESPACE = uuid.UUID("0b5d8a1e-4c9f-4e2a-9a57-3f1d6c2b7e90")  # this client's own id space


@dataclass
class ClientConfig:
    department: str
    bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = ""  # tests run each on their own prefix; production: none
    group: str | None = None  # default: "<department>-client"
    accept: bool = False
    outcome: str | None = None  # "handled" | "removed" | "rejected"
    result: str | None = None  # what was found and done, or why not ours
    handler_name: str | None = None
    roles: tuple[str, ...] = ("handler",)  # which copies this client answers (a supervisor may too)
    only_cases: tuple[str, ...] = ()  # answer only these cases (print the others)
    sasl_user: str | None = None  # the department's SCRAM principal, e.g. dept-nn-city-police
    sasl_password: str | None = None
    tls: bool = False
    signing_key: str = ""  # the department's key: its answers are signed (CaseFeedback.signature)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


def kafka_options(config: ClientConfig) -> dict[str, Any]:
    """Connection options for aiokafka: plain, or SCRAM-SHA-512 over SASL_PLAINTEXT / SASL_SSL."""
    options: dict[str, Any] = {"bootstrap_servers": config.bootstrap}
    if config.sasl_user:
        options |= {"security_protocol": "SASL_SSL" if config.tls else "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                    "sasl_plain_username": config.sasl_user, "sasl_plain_password": config.sasl_password or ""}
        if config.tls:
            options["ssl_context"] = ssl.create_default_context()
    return options


def answers_for(case: dict[str, Any], config: ClientConfig, now: datetime) -> list[dict[str, Any]]:
    """The feedback messages for one dispatched case, in the order to send them."""
    if case.get("role") not in config.roles or (config.only_cases and case.get("case_id") not in config.only_cases):
        return []
    actions = (["accepted"] if config.accept and case.get("role") == "handler" else [])
    actions += [config.outcome] if config.outcome else []
    return [signed({
        "schema_version": 1, "type": "case.feedback",
        "event_id": uuid.uuid5(NAMESPACE, f"{case['case_id']}:{case.get('dispatch_no', 1)}:{action}:{config.department}").hex,
        "occurred_at": now.isoformat(), "case_id": case["case_id"], "department_code": config.department,
        "action": action, "result": config.result if action != "accepted" else None,
        "handler_name": config.handler_name, "dispatch_no": case.get("dispatch_no"),
    }, config.signing_key) for action in actions]


SIGNED_FIELDS = ("event_id", "case_id", "department_code", "action", "dispatch_no", "result", "handler_name")


def signed(answer: dict[str, Any], key: str) -> dict[str, Any]:
    """The answer with its signature: HMAC-SHA256 over the fields as text, one per line."""
    text = "\n".join("" if answer.get(f) is None else str(answer[f]) for f in SIGNED_FIELDS)
    return answer | {"signature": hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()}


async def answer_cases(config: ClientConfig, *, stop_after: int | None = None,
                       printer: Callable[[dict[str, Any]], None] = lambda line: None) -> list[dict[str, Any]]:
    """Consume the department topic and answer; return the cases answered, after `stop_after`
    of them (None: run until cancelled)."""
    consumer = AIOKafkaConsumer(config.topic(f"dispatch.{config.department}"), **kafka_options(config),
                                group_id=config.topic(config.group or f"{config.department}-client"), enable_auto_commit=False,
                                auto_offset_reset="earliest")
    producer = AIOKafkaProducer(**kafka_options(config), acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    answered: list[dict[str, Any]] = []
    try:
        async for record in consumer:
            try:
                case = json.loads(record.value)
            except ValueError:
                printer({"error": "not JSON", "offset": record.offset})
                await consumer.commit()
                continue
            sent = answers_for(case, config, datetime.now(UTC))
            for message in sent:
                await producer.send_and_wait(config.topic("cases.feedback"), json.dumps(message, ensure_ascii=False).encode(),
                                             key=case["case_id"].encode())
            await consumer.commit()  # the commit point: after the answers are written
            printer({"case_id": case.get("case_id"), "dispatch_no": case.get("dispatch_no"), "role": case.get("role"),
                     "severity": case.get("severity"), "category": case.get("category"),
                     "deadline_at": case.get("deadline_at"), "summary": case.get("summary"),
                     "answered": [m["action"] for m in sent]})
            answered += [case] if sent else []
            if stop_after is not None and len(answered) >= stop_after:
                break
    finally:
        await consumer.stop()
        await producer.stop()
    return answered


# The CaseEvent.data keys that name a department other than the handler; both are part of
# the published contract (CaseEventData in deploy/asyncapi.yaml), checked by a test.
DEPARTMENT_KEYS = ("to_department", "from_department")


def concerns(event: dict[str, Any], department: str) -> bool:
    """A case event about this department: its cases, or cases escalated to or moved from it."""
    data = event.get("data") or {}
    return department in (event.get("department_code"), *(data.get(key) for key in DEPARTMENT_KEYS))


async def watch_events(config: ClientConfig, printer: Callable[[dict[str, Any]], None]) -> None:
    consumer = AIOKafkaConsumer(config.topic("cases.events"), **kafka_options(config),
                                group_id=f"{config.group or config.department + '-client'}-events",
                                auto_offset_reset="latest")
    await consumer.start()
    try:
        async for record in consumer:
            event = json.loads(record.value)
            if concerns(event, config.department):
                printer({"event": event.get("kind"), "case_id": event.get("case_id"), "detail": event.get("detail"),
                         "at": event.get("occurred_at")})
    finally:
        await consumer.stop()


def parse_args(argv: list[str] | None = None) -> tuple[ClientConfig, bool, int | None]:
    p = argparse.ArgumentParser(prog="python -m services.dispatch.department_client", description=__doc__.split("\n\n")[0])
    p.add_argument("--department", required=True, help="department code, e.g. nn-city-police")
    p.add_argument("--bootstrap", default="127.0.0.1:9092")
    p.add_argument("--topic-prefix", default="")
    p.add_argument("--group", default=None)
    p.add_argument("--accept", action="store_true", help="answer accepted (已受理) first")
    outcome = p.add_mutually_exclusive_group()
    outcome.add_argument("--handle", metavar="RESULT", help="answer handled with this result (办结)")
    outcome.add_argument("--remove", metavar="RESULT", help="answer removed: the content is deleted (then re-checked)")
    outcome.add_argument("--reject", metavar="REASON", help="answer rejected: not ours (非本单位职责)")
    p.add_argument("--handler-name", default=None)
    p.add_argument("--as-supervisor", action="store_true", help="also answer supervisor copies (督办)")
    p.add_argument("--case", action="append", default=[], help="answer only this case (repeatable)")
    p.add_argument("--max", type=int, default=None, help="stop after answering this many cases")
    p.add_argument("--watch-events", action="store_true", help="also print 催办/督办/digest events for this department "
                   "(needs READ on cases.events)")
    p.add_argument("--sasl-user", default=None, help="SCRAM-SHA-512 principal; the password is read from KAFKA_SASL_PASSWORD")
    p.add_argument("--tls", action="store_true", help="SASL_SSL instead of SASL_PLAINTEXT")
    a = p.parse_args(argv)
    chosen = [(k, v) for k, v in (("handled", a.handle), ("removed", a.remove), ("rejected", a.reject)) if v is not None]
    config = ClientConfig(department=a.department, bootstrap=a.bootstrap, topic_prefix=a.topic_prefix, group=a.group,
                          accept=a.accept, outcome=chosen[0][0] if chosen else None, result=chosen[0][1] if chosen else None,
                          handler_name=a.handler_name, roles=("handler", "supervisor") if a.as_supervisor else ("handler",),
                          only_cases=tuple(a.case), sasl_user=a.sasl_user,
                          sasl_password=os.environ.get("KAFKA_SASL_PASSWORD"), tls=a.tls,
                          signing_key=os.environ.get("DEPARTMENT_SIGNING_KEY", ""))
    return config, a.watch_events, a.max


async def main(argv: list[str] | None = None) -> int:
    config, watch, limit = parse_args(argv)

    def printer(line: dict[str, Any]) -> None:
        print(json.dumps(line, ensure_ascii=False), flush=True)

    tasks = [asyncio.create_task(answer_cases(config, stop_after=limit, printer=printer))]
    if watch:
        tasks.append(asyncio.create_task(watch_events(config, printer)))
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()  # re-raise a failure
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except KeyboardInterrupt:
        sys.exit(130)

"""The fault harness (Jepsen-style): a steady stream of reports over HTTP, one fault in the
middle, a drain, then a check of every report by its id, from Kafka and the databases.

What "nothing lost, nothing doubled" means, report by report (`Ledger.problems`):
  - answered 2xx → stored by intake;
  - exactly one triage decision (one distinct `reports.triaged` event id) and membership of
    exactly one case;
  - at least one reply, and of each reply kind one distinct event id (a redelivery repeats
    the same id, which every consumer skips: that is not a duplicate a reporter would see);
  - in exactly one of dispatch's cases, once; and every case handed to exactly one handler
    department per dispatch round. (A round may carry more than one CaseDispatched: a more
    severe report for the same handler re-sends the case with its tighter deadline, under
    that report's own event id.)
A problem names the report or case; a count alone would hide which one.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from libs.common.settings import bootstrap_list
from tests.support.kafka import kafka_options
from tests.support.synthetic import reports


@dataclass
class Stream:
    """What the reporters saw: which reports were accepted, which were refused and how."""

    accepted: dict[str, str] = field(default_factory=dict)  # report_id -> tracking_no
    accepted_at: dict[str, float] = field(default_factory=dict)  # report_id -> wall-clock time it was sent
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # status or error -> count
    answer_s: list[float] = field(default_factory=list)


async def stream(base_url: str | Sequence[str], *, rate: float, seconds: float, seed: int,
                 fault: Callable[[], Awaitable[None]], fault_at_s: float) -> Stream:
    """Reports at `rate`/s for `seconds`, each POST on its own (so a stalled service does not
    slow the stream), and `fault()` run at `fault_at_s` beside it. Several base URLs (the
    instances of intake) take the reports in turn, as a load balancer would."""
    seen = Stream()
    bodies = reports(int(rate * seconds), seed)
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    async with httpx.AsyncClient(timeout=20) as client:
        async def post(body: dict[str, Any], url: str) -> None:
            started, sent_at = time.monotonic(), time.time()
            try:
                r = await client.post(f"{url}/api/v1/reports", json=body)
            except httpx.HTTPError as exc:
                seen.refused[type(exc).__name__] += 1
                return
            seen.answer_s.append(time.monotonic() - started)
            if r.status_code == 202:
                seen.accepted[r.json()["report_id"]] = r.json()["tracking_no"]
                seen.accepted_at[r.json()["report_id"]] = sent_at
            else:
                seen.refused[str(r.status_code)] += 1

        begun = time.monotonic()
        faulted = asyncio.create_task(_after(fault_at_s, fault))
        posts = []
        for i, body in enumerate(bodies):
            delay = begun + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            posts.append(asyncio.create_task(post(body, urls[i % len(urls)])))
        await asyncio.gather(*posts)
        await faulted
    return seen


async def _after(delay: float, fault: Callable[[], Awaitable[None]]) -> None:
    await asyncio.sleep(delay)
    await fault()


async def read_all(bootstrap: str, pattern: str, *, quiet_s: float = 3.0, timeout: float = 60.0) -> dict[str, list[dict[str, Any]]]:
    """Every message on the topics matching `pattern`, from the start, until none came for `quiet_s`."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_list(bootstrap), **kafka_options(), group_id=None,
                                auto_offset_reset="earliest", metadata_max_age_ms=1000, enable_auto_commit=False)
    consumer.subscribe(pattern=pattern)
    await consumer.start()
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    last, deadline = time.monotonic(), time.monotonic() + timeout
    try:
        while time.monotonic() - last < quiet_s and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for tp, records in batch.items():
                for record in records:
                    last = time.monotonic()
                    if (event := _event(record.value)) is not None:
                        out[tp.topic].append(event)
    finally:
        await consumer.stop()
    return out


def _event(value: bytes | None) -> dict[str, Any] | None:
    """A message as the system's consumers would take it; poison (not JSON, not an event of
    the topic's kind: the fault tests put some there) is None, as it is a dead letter to them."""
    try:
        event = json.loads(value or b"")
    except ValueError:
        return None
    return event if isinstance(event, dict) and event.get("schema_version", 1) == 1 else None


@dataclass
class Ledger:
    """Everything the system did, read back after the drain."""

    stored: set[str]
    triaged: dict[str, set[str]]            # report_id -> distinct event ids
    case_of: dict[str, list[str]]           # report_id -> the cases that list it
    replies: dict[str, dict[str, set[str]]]  # report_id -> kind -> distinct event ids
    handlers: dict[tuple[str, int], dict[str, set[str]]]  # (case, round) -> department -> event ids
    cases_of_reports: dict[str, str]        # report_id -> case id its triage decision names
    dispatch_case_of: dict[str, list[str]]  # report_id -> dispatch's cases listing it (with repeats)
    valid: set[str] = field(default_factory=set)  # reports triage judged valid: each must reach dispatch

    def problems(self, accepted: set[str]) -> list[str]:
        out: list[str] = []
        for report in sorted(accepted):
            if report not in self.stored:
                out.append(f"{report}: accepted but not stored")
            if len(self.triaged.get(report, ())) != 1:
                out.append(f"{report}: {len(self.triaged.get(report, ()))} triage decisions")
            if len(self.case_of.get(report, ())) > 1:
                out.append(f"{report}: member of {len(self.case_of[report])} cases {self.case_of[report]}")
            if len(self.dispatch_case_of.get(report, ())) > 1:
                out.append(f"{report}: in dispatch's cases {self.dispatch_case_of[report]}")
            kinds = self.replies.get(report, {})
            if not kinds:
                out.append(f"{report}: no reply")
            out += [f"{report}: {len(ids)} distinct '{kind}' replies" for kind, ids in kinds.items() if len(ids) > 1]
        theirs = {self.cases_of_reports[r] for r in accepted if r in self.cases_of_reports}
        for (case, round_no), departments in sorted(self.handlers.items()):
            if case not in theirs:
                continue
            if len(departments) > 1:
                out.append(f"case {case} round {round_no}: handed to {dict(sorted(departments.items()))}")
        return out

    def undispatched(self, accepted: set[str]) -> list[str]:
        """Valid reports that are not in exactly one of dispatch's cases."""
        return [f"{r}: in {len(self.dispatch_case_of.get(r, ()))} of dispatch's cases" for r in sorted(accepted & self.valid)
                if len(self.dispatch_case_of.get(r, ())) != 1]

    def dispatched_cases(self) -> set[str]:
        return {case for case, _ in self.handlers}


async def read_ledger(bootstrap: str, mongo_uri: str, topic_prefix: str, db_prefix: str) -> Ledger:
    p = re.escape(topic_prefix)
    topics = await read_all(bootstrap, rf"^{p}(reports\.triaged|reports\.replies|dispatch\..+)$")
    triaged: dict[str, set[str]] = defaultdict(set)
    cases_of_reports: dict[str, str] = {}
    valid: set[str] = set()
    for event in topics.get(f"{topic_prefix}reports.triaged", []):
        if event.get("type") != "report.triaged" or "report" not in event or "case" not in event:
            continue
        triaged[event["report"]["report_id"]].add(event["event_id"])
        cases_of_reports[event["report"]["report_id"]] = event["case"]["case_id"]
        if (event.get("decision") or {}).get("valid"):
            valid.add(event["report"]["report_id"])
    replies: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for event in topics.get(f"{topic_prefix}reports.replies", []):
        if event.get("type") != "reporter.reply" or "report_id" not in event:
            continue
        replies[event["report_id"]][event["kind"]].add(event["event_id"])
    handlers: dict[tuple[str, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for topic, events in topics.items():
        if topic.startswith(f"{topic_prefix}dispatch."):
            for event in events:
                if event.get("type") == "case.dispatched" and event.get("role") == "handler":
                    handlers[(event["case_id"], event["dispatch_no"])][event["department"]["code"]].add(
                        f'{event["event_id"]}:{event["severity"]}:{len(event["report_ids"])}:{event["occurred_at"]}')
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri, tz_aware=True)
    try:
        stored = {d["_id"] async for d in client[f"{db_prefix}_intake"]["reports"].find({}, {"_id": 1})}
        case_of: dict[str, list[str]] = defaultdict(list)
        async for case in client[f"{db_prefix}_triage"]["cases"].find({}, {"report_ids": 1}):
            for report in case.get("report_ids", []):
                case_of[report].append(case["_id"])
        dispatch_case_of: dict[str, list[str]] = defaultdict(list)
        async for case in client[f"{db_prefix}_dispatch"]["cases"].find({}, {"reports.report_id": 1}):
            for report in case.get("reports", []):
                dispatch_case_of[report["report_id"]].append(case["_id"])
    finally:
        await client.close()
    return Ledger(stored, dict(triaged), dict(case_of), {k: dict(v) for k, v in replies.items()},
                  {k: dict(v) for k, v in handlers.items()}, cases_of_reports, dict(dispatch_case_of), valid)


async def drain(bootstrap: str, topic_prefix: str, accepted: set[str], timeout: float = 150.0) -> set[str]:
    """Wait until every accepted report has a reply; returns those still without one."""
    consumer = AIOKafkaConsumer(f"{topic_prefix}reports.replies", bootstrap_servers=bootstrap_list(bootstrap), **kafka_options(),
                                group_id=None, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    waiting, deadline = set(accepted), time.monotonic() + timeout
    try:
        while waiting and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    waiting.discard((_event(record.value) or {}).get("report_id"))
    finally:
        await consumer.stop()
    return waiting

"""The `make run` demo: waits for the services, submits the demo reports, then shows every
case arriving at its department topic, as a department would see it. Runs until Ctrl-C.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer

from deploy.local.credentials import local_admin_options

from deploy.local.localenv import DATA, PORTS

WATCHED = re.compile(r"^(dispatch\.[^.]+|cases\.transferred|reports\.replies)$")
DEMO = Path(__file__).with_name("demo") / "reports.jsonl"
SERVICES = ("intake", "triage", "dispatch", "rumor")


def say(text: str) -> None:
    print(text, flush=True)


async def wait_ready(client: httpx.AsyncClient) -> None:
    pending = set(SERVICES)
    while pending:
        for name in sorted(pending):
            try:
                r = await client.get(f"http://127.0.0.1:{PORTS[name]}/health/ready", timeout=2)
                if r.status_code == 200:
                    pending.discard(name)
                    say(f"✓ {name} ready")
            except httpx.HTTPError:
                pass
        await asyncio.sleep(1)


async def submit_demo(client: httpx.AsyncClient) -> None:
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        body = json.loads(line)
        channel = body.pop("channel")
        r = await client.post(f"http://127.0.0.1:{PORTS['intake']}/api/v1/reports", params={"channel": channel}, json=body)
        data = r.json()
        extra = f"  ⚠ {data['advice']}" if data.get("advice") else ""
        say(f"→ report {data.get('tracking_no')} accepted ({r.status_code}): {body['text'][:24]}…{extra}")


async def watch_departments() -> None:
    # The demo looks at every department's topic: it reads as the broker's admin (local only).
    consumer = AIOKafkaConsumer(
        bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"], group_id=None, auto_offset_reset="earliest",
        **local_admin_options(DATA / "kafka"),
    )
    await consumer.start()
    # Every topic exists once the services are ready: a fixed list, so no rebalance drops a record.
    watched = [t for t in await consumer.topics() if WATCHED.match(t)]
    consumer.subscribe(watched)
    try:
        async for record in consumer:
            event = json.loads(record.value)
            if record.topic.startswith("dispatch."):
                say(f"⇒ {record.topic:<30} {event['role']:<8} case {event['case_id'][5:13]} {event['severity']:<9} {event['category']:<15} "
                    f"{'/'.join(event['division']['path'])} due {event['deadline_at'][:16]}")
            elif record.topic == "cases.transferred":
                say(f"⇒ cases.transferred to {event['to_city']} (移交) case {event['case_id'][5:13]}")
            else:
                say(f"↩ reply to report {event['report_id'][:8]} [{event['kind']}]: {event['text'][:40]}")
    finally:
        await consumer.stop()


async def main() -> None:
    # The viewer's own fetch retries (a leader still being elected) are not news for the reader.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    async with httpx.AsyncClient() as client:
        await wait_ready(client)
        await submit_demo(client)
    say("\nLook at:")
    for name in SERVICES:
        say(f"  {name:<9} http://127.0.0.1:{PORTS[name]}/docs   metrics: http://127.0.0.1:{PORTS[name]}/metrics"
            f"   log: .data/logs/{name}.log")
    say("  Kafka and database logs: .data/kafka/logs/kafka.log, .data/mongo/logs/mongo.log")
    say(f"  prometheus http://127.0.0.1:{PORTS['prometheus']}/alerts   (rules: deploy/prometheus; dashboards for Grafana: deploy/grafana)")
    say("  operators' APIs need the local operator token: -H \"Authorization: Bearer $(cat .data/operator.token)\"")
    say(f"  daily report (日报) http://127.0.0.1:{PORTS['dispatch']}/api/v1/statistics/daily?format=csv  (token)")
    say(f"  cases (operators) http://127.0.0.1:{PORTS['dispatch']}/api/v1/cases  (token)")
    say(f"  rumor claims (operators) http://127.0.0.1:{PORTS['rumor']}/api/v1/claims  "
        "with header 'Authorization: Bearer $(cat .data/operator.token)'")
    say("Cases arriving at departments (Ctrl-C stops everything):")
    await watch_departments()


if __name__ == "__main__":
    asyncio.run(main())

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
from libs.common.settings import bootstrap_list

from deploy.local.localenv import DATA, PORTS, local_secret

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


# The local logins `make run` makes (passwords generated into .data/, never in the repo).
LOGINS = (("local-duty", "operator", None, "值班员"), ("local-duty-b", "operator", None, "值班员（B角）"),
          ("local-leader", "operator", None, "带班领导"), ("local-admin", "admin", None, "管理员"),
          ("desk-nn-city-police", "department", "nn-city-police", "南宁市公安局网络安全保卫支队"))


async def ensure_logins() -> list[tuple[str, str, str | None, str]]:
    """(name, role, department, password) of each local login, created on first run."""
    from services.dispatch.accounts.create import ensure
    from services.dispatch.settings import DispatchSettings

    settings, out = DispatchSettings(), []
    for name, role, department, display in LOGINS:
        password = local_secret(DATA, f"login-{name}.password")
        await ensure(settings, name=name, role=role, department=department, display_name=display, password=password)
        out.append((name, role, department, password))
    lines = [f"{name}\t{role}{'/' + d if d else ''}\t{password}" for name, role, d, password in out]
    path = DATA / "logins.txt"
    path.write_text("# login name, role, password (local only)\n" + "\n".join(lines) + "\n")
    path.chmod(0o600)
    return out


async def plan_roster() -> None:
    """Today's and the coming week's shifts for the local logins (kept once planned)."""
    from services.dispatch.duty.plan import plan
    from services.dispatch.settings import DispatchSettings

    await plan(DispatchSettings(), staff=["local-duty", "local-duty-b"], leaders=["local-leader"], days=7, keep=True)


def page_urls(logins: list[tuple[str, str, str | None, str]]) -> list[tuple[str, str, str]]:
    """(what, URL, how to get in): the pages first, as a newcomer meets the system."""
    intake, dispatch = f"http://127.0.0.1:{PORTS['intake']}", f"http://127.0.0.1:{PORTS['dispatch']}"
    by_role = {role: (name, password) for name, role, _, password in reversed(logins)}  # the first of each role
    duty, admin, desk = by_role["operator"], by_role["admin"], by_role["department"]
    return [
        ("举报表单 (reporter form)", f"{intake}/", ""),
        ("办理进度查询 (tracking page)", f"{intake}/track", "tracking number + status token from the receipt"),
        ("值班员控制台 (operator console)", f"{dispatch}/login?next=/console",
         f"login {duty[0]} / {duty[1]}   (admin: {admin[0]} / {admin[1]}; all in .data/logins.txt)"),
        ("值班与交接班 (duty roster, pages, handover log)", f"{dispatch}/login?next=/console/duty",
         f"the same logins: {duty[0]} is A on today's shift, local-duty-b the B, local-leader the leader"),
        ("承办单位工作台 (department desk)", f"{dispatch}/login?next=/desk", f"login {desk[0]} / {desk[1]}"),
    ]


async def check_urls(client: httpx.AsyncClient, urls: list[str], headers: dict[str, str] | None = None) -> None:
    """Every URL shown answers 200; one that does not is said at once."""
    for url in urls:
        try:
            status = (await client.get(url, headers=headers, timeout=5)).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if status != 200:
            say(f"  ! {url} answers {status}")


async def watch_departments() -> None:
    # The demo looks at every department's topic: it reads as the broker's admin (local only).
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_list(os.environ["KAFKA_BOOTSTRAP_SERVERS"]), group_id=None, auto_offset_reset="earliest",
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
        logins = await ensure_logins()
        await plan_roster()
        pages = page_urls(logins)
        say("\nThe pages:")
        for what, url, how in pages:
            say(f"  {what:<24} {url}" + (f"   {how}" if how else ""))
        await submit_demo(client)
        say("\nLook at:")
        shown = [url for _, url, _ in pages]
        for name in SERVICES:
            base = f"http://127.0.0.1:{PORTS[name]}"
            say(f"  {name:<9} {base}/docs   metrics: {base}/metrics   log: .data/logs/{name}.log")
            shown += [f"{base}/docs", f"{base}/metrics"]
        say("  Kafka and database logs: .data/kafka/logs/kafka.log, .data/mongo/logs/mongo.log")
        # Debian's prometheus (2.42) ships without the new web UI: its alert page is /classic/alerts.
        prometheus = f"http://127.0.0.1:{PORTS['prometheus']}/classic/alerts"
        say(f"  prometheus {prometheus}   (rules: deploy/prometheus; dashboards for Grafana: deploy/grafana)")
        shown.append(prometheus)
        dispatch, rumor = f"http://127.0.0.1:{PORTS['dispatch']}", f"http://127.0.0.1:{PORTS['rumor']}"
        token_urls = [f"{dispatch}/api/v1/statistics/daily?format=csv", f"{dispatch}/api/v1/cases", f"{rumor}/api/v1/claims"]
        say("  operators' APIs take the local operator token (.data/operator.token):")
        for url in token_urls:
            say(f"    curl -H \"Authorization: Bearer $(cat .data/operator.token)\" '{url}'")
        await check_urls(client, shown)
        await check_urls(client, token_urls, {"Authorization": f"Bearer {(DATA / 'operator.token').read_text().strip()}"})
    say("Cases arriving at departments (Ctrl-C stops everything):")
    await watch_departments()


if __name__ == "__main__":
    asyncio.run(main())

"""Fan-out latency of a rebuttal to the whole media matrix, over the real Kafka and database.

    python -m bench.bench_rumor_fanout [--rebuttals 10] [--channels 62] [--channel-latency-ms 50]

Runs the rumor service in-process with a local HTTP server standing in for every webhook
channel (each answering after --channel-latency-ms), publishes one rebuttal after another
through the operator API and reports, per rebuttal:
  - last channel: from the publish call to the last webhook channel receiving it;
  - fan-out complete: the service's own figure (netreport_rebuttal_fanout_seconds), from
    the stored publication to the last channel's delivery stored, website included.
--channels above the city's 62 adds synthetic alliance members to a copy of the data file.
Uses BENCH_KAFKA_BOOTSTRAP / BENCH_MONGO_URI if set, else starts a throwaway Kafka and database.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import yaml

from services.rumor import metrics
from services.rumor.app import create_app
from services.rumor.clustering.claims import new_claim
from services.rumor.publishing.matrix import MATRIX_PATH, dev_secret
from services.rumor.clustering.reports import RumorReport
from tests.support.rumor import (
    BRIDGE_REBUTTAL, SECRET_KEY, ChannelReceiver, operator_headers, running, settings_for, wait_for,
)


def matrix_file(channels: int, folder: Path) -> Path:
    raw = yaml.safe_load(MATRIX_PATH.read_text(encoding="utf-8"))
    total = len(raw["own_channels"]) + len(raw["alliance"])
    raw["alliance"] += [{"code": f"bench-{i:03d}", "name": f"压测成员单位{i}", "member_type": "media"}
                        for i in range(max(0, channels - total))]
    path = folder / "matrix.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _fanout_sum_count() -> tuple[float, float]:
    total = count = 0.0
    for sample in metrics.FANOUT_SECONDS.collect()[0].samples:
        if sample.labels.get("action") == "publish":
            total += sample.value if sample.name.endswith("_sum") else 0.0
            count += sample.value if sample.name.endswith("_count") else 0.0
    return total, count


async def bench(infra: SimpleNamespace, args: argparse.Namespace, folder: Path) -> dict[str, list[float]]:
    run = uuid.uuid4().hex[:6]
    async with ChannelReceiver(lambda code: dev_secret(SECRET_KEY, code),
                               latency_s=args.channel_latency_ms / 1000) as receiver:
        settings = settings_for(infra, f"bench-{run}-", f"bench_{run}", channel_url_template=receiver.url_template,
                                channels_file=matrix_file(args.channels, folder))
        app = create_app(settings, environ={})
        webhooks = {c.code for c in app.state.matrix.channels if c.adapter == "webhook"}
        results: dict[str, list[float]] = {"last_channel_s": [], "fanout_complete_s": []}
        async with running(app, timeout=180) as client:
            for n in range(args.rebuttals):
                profile = new_claim(RumorReport(id=f"bench-{run}-{n}", text=BRIDGE_REBUTTAL["body"],
                                                reported_at=datetime.now(UTC)))
                await app.state.desk.store.insert(profile, [])
                base, h = f"/api/v1/claims/{profile.claim_id}", operator_headers()
                await client.post(f"{base}/verification", headers=h, json={"verdict": "false"})
                await client.put(f"{base}/rebuttal", headers=h, json=BRIDGE_REBUTTAL)
                before_sum, before_count = _fanout_sum_count()
                started = time.monotonic()
                rebuttal_id = (await client.post(f"{base}/rebuttal/publish", headers=h)).json()["rebuttal_id"]

                def arrived() -> list[float]:
                    times = {code: t for code, rid, _, t in receiver.arrivals if rid == rebuttal_id}
                    return list(times.values()) if set(times) == webhooks else []

                arrivals = await wait_for(arrived, timeout=120, interval=0.005)
                await wait_for(lambda: _fanout_sum_count()[1] > before_count, timeout=60, interval=0.01)
                results["last_channel_s"].append(max(arrivals) - started)
                results["fanout_complete_s"].append(_fanout_sum_count()[0] - before_sum)
                print(f"rebuttal {n + 1}: last channel {results['last_channel_s'][-1]:.3f}s, "
                      f"fan-out complete {results['fanout_complete_s'][-1]:.3f}s", flush=True)
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuttals", type=int, default=10)
    parser.add_argument("--channels", type=int, default=62)
    parser.add_argument("--channel-latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        servers = None
        if os.environ.get("BENCH_KAFKA_BOOTSTRAP") and os.environ.get("BENCH_MONGO_URI"):
            infra = SimpleNamespace(kafka_bootstrap=os.environ["BENCH_KAFKA_BOOTSTRAP"],
                                    mongo_uri=os.environ["BENCH_MONGO_URI"])
        else:
            from deploy.local.infra import start_local_infra
            servers = start_local_infra(Path(tmp) / "infra")
            infra = SimpleNamespace(kafka_bootstrap=servers.kafka_bootstrap, mongo_uri=servers.mongo_uri)
        try:
            results = asyncio.run(bench(infra, args, Path(tmp)))
        finally:
            if servers is not None:
                servers.stop()
    print(f"\n{args.rebuttals} rebuttals to {args.channels} channels "
          f"({args.channels - 1} webhook + website), channel latency {args.channel_latency_ms:.0f} ms:")
    for name, values in results.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"  {name:18s} p50 {statistics.median(values):.3f}s  p95 {p95:.3f}s  max {values[-1]:.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

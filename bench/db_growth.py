"""The local database alone as the data grows: the pipeline's per-report command mix, timed on
an empty database and again after --stored reports' worth of documents, for each page-cache
size given, in one run on the same machine.

    python -m bench.db_growth [--stored 50000] [--steps 2] [--seconds 10] [--cache-mb 16 256]

Each cache size gets a fresh mongo-java-server (deploy.local.servers, as `make run` starts it,
committing every write before answering). At each checkpoint, 16 clients run the mix for
--seconds: insert a report, read it by `_id`, insert its decision and its case, push a status
onto the report and a guarded update of the case (six commands, as intake, triage and dispatch
do per report). Between checkpoints, documents of the same shapes are bulk-inserted. 16 MB is
H2's own default (what the database ran with before); the last line is one JSON object.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from bench.e2e.system import free_port
from deploy.local.artifacts import ensure_artifacts
from deploy.local.servers import MongoServer

WORDS = ("网上有人发布博彩网站链接充值送彩金拉人下注已经有人输了好几万元请尽快处理 "
         "直播间里主播辱骂他人并公开对方的住址和电话号码 群里转发谣言说明天全市停水停电 "
         "某账号冒充客服骗取验证码受害人银行卡被转走钱款")
CATEGORIES = ("politics", "terror", "porn", "gambling", "fraud", "rumor", "infringement",
              "cyberbullying", "minors", "vulgar", "algorithm", "other")


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def report(rng: random.Random, rid: str) -> dict[str, Any]:
    return {"_id": rid, "tracking_no": rid[:16].upper(), "status": "received", "verdict": None,
            "content": {"category_hint": rng.choice(CATEGORIES), "description": _text(rng, 260),
                        "target_urls": [f"https://weibo.com/u/{rng.randrange(10**9)}"],
                        "target_platform": "微博", "location": "南宁市青秀区", "volunteer_id": None},
            "reporter_sealed": os.urandom(160).hex(), "received_at": time.time(),
            "history": [{"at": time.time(), "status": "received", "text": "已受理，正在研判"}],
            "snapshot": {"state": "pending", "done": [], "seqs": []}}


def decision(rng: random.Random, rid: str) -> dict[str, Any]:
    return {"_id": rid, "event": {"report_id": rid, "category": rng.choice(CATEGORIES), "severity": "important",
                                  "scores": {c: rng.random() for c in CATEGORIES},
                                  "reasons": [_text(rng, 20) for _ in range(4)], "division": "450103"}}


def case(rng: random.Random, rid: str) -> dict[str, Any]:
    return {"_id": f"case-{rid}", "status": "open", "dispatch_no": 1, "report_ids": [rid],
            "department": "nn-city-police", "severity": "important", "deadline": time.time() + 86400,
            "history": [{"at": time.time(), "status": "dispatched", "text": _text(rng, 30)}], "chase_done": []}


async def mix(db: Any, rng: random.Random) -> None:
    rid = uuid.uuid4().hex
    await db.reports.insert_one(report(rng, rid))
    await db.reports.find_one({"_id": rid}, {"reporter_sealed": 0})
    await db.decisions.insert_one(decision(rng, rid))
    await db.cases.insert_one(case(rng, rid))
    await db.reports.update_one({"_id": rid}, {"$push": {"history": {"at": time.time(), "status": "dispatched"}}})
    await db.cases.update_one({"_id": f"case-{rid}", "status": "open", "dispatch_no": 1},
                              {"$set": {"status": "accepted"}})


async def timed_mix(db: Any, seconds: float, clients: int = 16) -> int:
    done, started = 0, time.monotonic()

    async def worker(seed: int) -> None:
        nonlocal done
        rng = random.Random(seed)
        while time.monotonic() - started < seconds:
            await mix(db, rng)
            done += 1

    await asyncio.gather(*(worker(i) for i in range(clients)))
    return done


async def preload(db: Any, count: int, rng: random.Random, batch: int = 500) -> None:
    for start in range(0, count, batch):
        ids = [uuid.uuid4().hex for _ in range(min(batch, count - start))]
        await db.reports.insert_many([report(rng, i) for i in ids], ordered=False)
        await db.decisions.insert_many([decision(rng, i) for i in ids], ordered=False)
        await db.cases.insert_many([case(rng, i) for i in ids], ordered=False)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one_cache(cache_mb: int, stored: int, steps: int, seconds: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="db-growth-") as tmp:
        server = MongoServer(data_dir=Path(tmp), port=free_port(), cache_mb=cache_mb)
        with server:
            client = AsyncMongoClient(server.uri, tz_aware=True)
            db, rng, have = client["growth"], random.Random(7), 0
            try:
                for step in range(steps + 1):
                    target = stored * step // steps
                    await preload(db, target - have, rng)
                    have = target
                    cpu0 = cpu_seconds(server.process.pid)
                    started = time.monotonic()
                    done = await timed_mix(db, seconds)
                    elapsed = time.monotonic() - started
                    have += done
                    row = {"cache_mb": cache_mb, "stored": target, "reports_per_s": round(done / elapsed, 1),
                           "db_cpu_ms_per_report": round(1000 * (cpu_seconds(server.process.pid) - cpu0) / done, 2),
                           "file_mb": round(server.store_file.stat().st_size / 2**20)}
                    print(f"db-growth: {row}", file=sys.stderr, flush=True)
                    rows.append(row)
            finally:
                await client.close()
    return rows


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, default=50_000, help="reports' worth of documents at the last checkpoint")
    parser.add_argument("--steps", type=int, default=2, help="checkpoints after the empty one")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each timed mix")
    parser.add_argument("--cache-mb", type=int, nargs="+", default=[16, 256], help="MVStore page cache sizes")
    args = parser.parse_args(argv)
    ensure_artifacts()
    result: dict[str, Any] = {}
    for cache_mb in args.cache_mb:
        rows = await one_cache(cache_mb, args.stored, args.steps, args.seconds)
        result[f"cache_{cache_mb}mb"] = {"rows": rows,
                                         "growth_ratio": round(rows[-1]["reports_per_s"] / rows[0]["reports_per_s"], 3)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())

"""The evidence snapshot worker (证据固定): after a report is accepted, fetch each of its
target URLs once and append what was found to the hash chain.

Reports carry `snapshot.state = pending` (and an entry in `snapshot_queue`) from the insert
that stored them, so a snapshot is never forgotten by a restart; a worker leases one report at a time (several instances
may run), records each URL once, then marks the report done.
"""
from __future__ import annotations

from datetime import timedelta

from libs.common.clock import Clock
from libs.common.logs import bind_case, get_logger
from libs.common.waker import Waker, run_worker
from services.intake import metrics
from services.intake.fetcher import UrlFetcher
from services.intake.snapshot import FetchResult, chain_hash, record_for
from services.intake.store import IntakeStore

log = get_logger(__name__)


class SnapshotWorker:
    def __init__(self, store: IntakeStore, fetcher: UrlFetcher, clock: Clock, *, interval_s: float,
                 lease: timedelta = timedelta(minutes=5)) -> None:
        self.store, self.fetcher, self.clock = store, fetcher, clock
        self.interval_s, self.lease = interval_s, lease
        self._waker = Waker()

    def poke(self) -> None:
        self._waker.poke()

    async def run(self) -> None:
        await run_worker(self.snapshot_one, self._waker, interval_s=self.interval_s, failed_event="snapshot_pass_failed")

    async def snapshot_one(self) -> bool:
        """Snapshot the URLs of one pending report; False when none is pending."""
        job = await self.store.claim_snapshot(now=self.clock.now(), lease=self.lease)
        if job is None:
            return False
        report_id, snap = job["_id"], job["snapshot"]
        bind_case(report_id=report_id)
        for url in snap["urls"]:
            if url in snap.get("done", []):
                continue
            result = await self.fetcher.fetch(url)
            seq = await self.record(report_id, result)
            await self.store.snapshot_url_done(report_id=report_id, url=url, seq=seq)
            metrics.SNAPSHOTS.labels(outcome=result.outcome).inc()
            log.info("evidence_snapshot", url=url[:200], outcome=result.outcome, status=result.status, seq=seq)
        await self.store.snapshot_finished(report_id=report_id)
        return True

    async def record(self, report_id: str, result: FetchResult) -> int:
        def build(seq: int, prev_hash: str) -> tuple[dict, str]:
            record = record_for(result, seq=seq, report_id=report_id, prev_hash=prev_hash)
            return record, chain_hash(prev_hash, record)

        return await self.store.snapshots.append(build)

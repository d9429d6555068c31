"""The alert rules replayed on what the real services exported during a fault run.

`Scraper` reads every service's /metrics once a second while the run goes on (in a thread
of its own, so a busy test loop does not thin the samples out), keeping the series the
pipeline alerts read (lag, DLQ depth, outbox backlog) and, as Prometheus itself records it,
`up` per job: 1 when the scrape answered, 0 when it did not. `fired` writes them as
a promtool unit test's input series and asks promtool which alerts fired.

Time is stretched: the rules wait minutes (`for: 10m`, `[15m]` windows) where a test run
lasts seconds, so each one-second scrape is replayed as one scrape a minute (60x). What
the test then shows is that the names, labels and values the services really export
during the fault make the rule fire, and that a run without that fault leaves it quiet.
A scrape that failed (a service down or paused) is a gap in that service's series and a 0 in
its `up`, as Prometheus would have it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections import defaultdict
from pathlib import Path
from types import TracebackType

import httpx
import yaml
from prometheus_client.parser import text_string_to_metric_families

from deploy.prometheus.config import RULES

WATCHED = ("netreport_consumer_lag_messages", "netreport_dlq_depth_messages", "netreport_outbox_backlog",
           "netreport_lag_probes_total")
REPLAYED_AS = "1m"  # one real second per minute of the rules' time


class Scraper:
    """`with Scraper(urls):` scrapes while the block runs."""

    def __init__(self, urls: dict[str, str], every_s: float = 1.0, timeout_s: float = 5.0) -> None:
        self.urls = urls
        self.every_s = every_s
        # A real scrape waits 10 s (Prometheus' scrape_timeout): a service slow to answer on a
        # loaded machine is up, only one that does not answer at all is down. The services are
        # scraped side by side, so one that hangs does not delay the others' samples.
        self.timeout_s = timeout_s
        self.scrapes = 0
        # series (name and labels, as PromQL writes them) -> one value or None per scrape
        self.series: dict[str, list[float | None]] = defaultdict(list)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metrics-scraper", daemon=True)

    def __enter__(self) -> Scraper:
        self._thread.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout_s) as client:
            next_at = time.monotonic()
            while not self._stop.is_set():
                self._scrape(client)
                next_at += self.every_s
                self._stop.wait(max(next_at - time.monotonic(), 0))

    def _scrape(self, client: httpx.Client) -> None:
        def get(url: str) -> str | None:
            try:
                return client.get(f"{url}/metrics").text
            except httpx.HTTPError:
                return None

        with ThreadPoolExecutor(max_workers=len(self.urls) or 1) as pool:
            texts = dict(zip(self.urls, pool.map(get, self.urls.values())))
        now: dict[str, float] = {}
        for job, text in texts.items():
            now[_series("up", {"job": job, "system": "netreport"})] = 0.0 if text is None else 1.0
            if text is None:
                continue  # a gap in this service's series
            now |= {_series(sample.name, {"job": job, **sample.labels}): sample.value
                    for family in text_string_to_metric_families(text) for sample in family.samples
                    if sample.name in WATCHED}
        for key in set(now) | set(self.series):
            self.series[key] += [None] * (self.scrapes - len(self.series[key])) + [now.get(key)]
        self.scrapes += 1

    def increase(self, name: str, *, by: str, **match: str) -> dict[str, float]:
        """How much counter `name` rose over the run, per value of label `by`, for the series
        whose labels hold `match`. A drop is a restart (the counter began again at 0), as
        PromQL's increase() reads it."""
        wanted = [f'{k}="{v}"' for k, v in match.items()]
        out: dict[str, float] = defaultdict(float)
        for key, values in self.series.items():
            label = re.search(f'[{{,]{by}="([^"]*)"', key)
            if not key.startswith(name + "{") or not label or not all(w in key for w in wanted):
                continue
            # One there from the first scrape counts from there; one that appears mid-run began at 0.
            last = values[0] if values and values[0] is not None else 0.0
            for value in (v for v in values if v is not None):
                out[label.group(1)] += value - last if value >= last else value
                last = value
        return dict(out)

    def input_series(self) -> list[dict[str, str]]:
        return [{"series": key, "values": " ".join("_" if v is None else repr(v) for v in values + [None] * (self.scrapes - len(values)))}
                for key, values in sorted(self.series.items())]


def _series(name: str, labels: dict[str, str]) -> str:
    return name + "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def fired(scraper: Scraper, alerts: list[str], workdir: Path) -> dict[str, str]:
    """Each of `alerts` the rules fired at some point of the replayed run, with the labels
    promtool reports it fired with; one that stayed quiet is left out."""
    exe = shutil.which("promtool")
    assert exe, "promtool is not on PATH: run `make setup` (it installs Debian's prometheus package)"
    end = f"{scraper.scrapes}m"
    out: dict[str, str] = {}
    for alert in alerts:
        # Expect it quiet: promtool then names what fired, or passes if nothing did.
        test = {"rule_files": [str(path) for path in sorted(RULES.glob("*.yml"))], "evaluation_interval": REPLAYED_AS,
                "tests": [{"interval": REPLAYED_AS, "input_series": scraper.input_series(), "promql_expr_test": [{
                    "expr": f'max_over_time(ALERTS{{alertname="{alert}",alertstate="firing"}}[{end}])',
                    "eval_time": end, "exp_samples": []}]}]}
        path = workdir / f"replay-{alert}.test.yml"
        path.write_text(yaml.safe_dump(test, sort_keys=False))
        result = subprocess.run([exe, "test", "rules", str(path)], capture_output=True, text=True, timeout=120)
        said = result.stdout + result.stderr
        got = [line.strip().removeprefix("got:").strip() for line in said.splitlines() if line.strip().startswith("got:")]
        if result.returncode != 0 and not got:
            raise AssertionError(f"promtool could not run {path}:\n{said}")
        if got:
            out[alert] = got[0]
    return out

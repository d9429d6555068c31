"""Replay reports through triage: JSON lines in, JSON lines of decisions out.

    python -m services.triage.replay [FILE]      # stdin when FILE is omitted
    make -s triage-replay IN=reports.jsonl

Input fields: id, text, channel, category_hint, target_url, target_account, location;
optional: zone_hint, target_urls, target_platform, reports_last_hour (default 1); other
fields, such as `label`, are ignored. Output, one line per input line:
{"id", "category", "zone", "severity", "valid", "reasons"}; a line that cannot be read
gives {"id", "error"}. Only JSON goes to stdout; logs and warnings go to stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO, cast

from libs.common.events import ReportContent
from libs.common.vocabulary import CATEGORIES, CHANNELS, ZONES, Channel
from services.triage.decide import triage
from services.triage.rules import RULES_DIR, TriageRules, load_rules


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def report_from_line(record: dict[str, Any]) -> ReportContent:
    """A ReportContent from a replay record; unknown hint or channel values are dropped."""
    report_id = str(record.get("id") or "replay")
    url = _text(record.get("target_url"))
    urls = [str(u) for u in record.get("target_urls") or []] or ([url] if url else [])
    return ReportContent(
        report_id=report_id, tracking_no=report_id,
        channel=cast(Channel, record.get("channel") if record.get("channel") in CHANNELS else "web"),
        text=str(record.get("text") or ""),
        category_hint=record.get("category_hint") if record.get("category_hint") in CATEGORIES else None,
        zone_hint=record.get("zone_hint") if record.get("zone_hint") in ZONES else None,
        target_urls=urls, target_account=_text(record.get("target_account")),
        target_platform=_text(record.get("target_platform")), location=_text(record.get("location")),
    )


def replay_record(record: dict[str, Any], rules: TriageRules) -> dict[str, Any]:
    decision = triage(report_from_line(record), rules, reports_last_hour=int(record.get("reports_last_hour") or 1))
    reasons = [r.model_dump(exclude_defaults=True) for r in decision.reasons]
    if decision.invalid_reason:
        reasons.append({"rule": "reply", "detail": decision.invalid_reason})
    return {"id": record.get("id"), "category": decision.category, "zone": decision.zone,
            "severity": decision.severity, "valid": decision.valid, "reasons": reasons}


def replay_lines(lines: Iterable[str], rules: TriageRules) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a line must be a JSON object")
            yield replay_record(record, rules)
        except Exception as exc:  # one bad line must not end the replay
            logging.getLogger(__name__).warning("line %d: %s", number, exc)
            yield {"id": _line_id(line), "error": f"line {number}: {exc}"}


def _line_id(line: str) -> Any:
    with contextlib.suppress(Exception):
        return json.loads(line).get("id")
    return None


def run(source: TextIO, out: TextIO, rules_dir: str = str(RULES_DIR)) -> int:
    # Anything a library prints while loading (jieba does, on stdout or stderr) must not
    # land in the JSON stream: loading happens with stdout pointed at stderr.
    with contextlib.redirect_stdout(sys.stderr):
        rules = load_rules(rules_dir)
    for result in replay_lines(source, rules):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Replay JSON-line reports through triage.")
    parser.add_argument("file", nargs="?", help="JSON lines; stdin when omitted")
    parser.add_argument("--rules", default=str(RULES_DIR), help="rules directory")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.file:
        with open(args.file, encoding="utf-8") as source:
            return run(source, sys.stdout, args.rules)
    return run(sys.stdin, sys.stdout, args.rules)


if __name__ == "__main__":
    raise SystemExit(main())

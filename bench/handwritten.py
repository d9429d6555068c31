"""Hand-written evaluation and tuning sets as JSONL (deterministic): reports from a
`reports.txt` of `category | zone | condition | location | place | hint | text` lines, whose
severity is computed from those hand-written facts by DESIGN.md section 4, and rumor reports
from a `rumors.txt` of `claim | time | location | text`. Used by bench/unseen3/src/build.py and
bench/tuning/build.py, so both sets follow one labelling rule."""
from __future__ import annotations

import json
from pathlib import Path

ORDER = ["general", "important", "difficult", "emergency", "major"]
BASE = {"terror_violence": "important", "fraud": "important", "gambling": "important", "pornography": "important",
        "vulgar": "general", "infringement": "general", "other": "general", "rumor": "general"}
DIFFICULT_ZONES = {"algorithm", "historical_nihilism", "practitioner_misconduct"}
FLOOR_ZONES = {"enterprise_infringement", "cyberbullying"}
GX, GD = "广西壮族自治区", "广东省"
OTHER_CITIES = {"柳州市": GX, "桂林市": GX, "深圳市": GD}
CHANNELS = ["web", "web", "miniprogram", "phone", "web", "email", "volunteer", "platform", "miniprogram", "web"]


def severity(category: str, zone: str | None, condition: str) -> str:
    if condition == "invalid":
        return "general"
    level = BASE[category]
    if zone in FLOOR_ZONES:
        level = max(level, "important", key=ORDER.index)
    conditions = {condition} | ({"difficult"} if zone in DIFFICULT_ZONES else set())
    for c in conditions & set(ORDER):
        level = max(level, c, key=ORDER.index)
    if zone == "minors":  # raise one level after the conditions, capped at major
        level = ORDER[min(ORDER.index(level) + 1, len(ORDER) - 1)]
    return level


def place(spec: str) -> dict | None:
    if spec == "-":
        return None
    head, _, township = spec.partition("/")
    if head in OTHER_CITIES:
        return {"province": OTHER_CITIES[head], "city": head, "county": township or None, "township": None}
    if head == "南宁市":
        return {"province": GX, "city": "南宁市", "county": None, "township": None}
    return {"province": GX, "city": "南宁市", "county": head, "township": township or None}


def rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("|") for line in lines if line.strip() and not line.startswith("#")]


def build_reports(folder: Path, prefix: str) -> list[dict]:
    """`folder`/reports.txt as labelled report lines, ids `<prefix>-001`, …"""
    out = []
    for n, parts in enumerate(rows(folder / "reports.txt"), start=1):
        category, zone, condition, location, where, hint = (p.strip() for p in parts[:6])
        text = "|".join(parts[6:]).strip()
        zone_v = None if zone == "-" else zone
        valid = condition != "invalid"
        out.append({"id": f"{prefix}-{n:03d}", "text": text, "channel": CHANNELS[n % len(CHANNELS)],
                    "category_hint": None if hint == "-" else hint, "target_url": None, "target_account": None,
                    "location": None if location == "-" else location,
                    "label": {"category": category, "zone": zone_v if valid else None,
                              "severity": severity(category, zone_v, condition), "valid": valid,
                              "place": place(where)}})
    return out


def build_rumors(folder: Path, prefix: str) -> list[dict]:
    """`folder`/rumors.txt as rumor reports with their claim, ids `<prefix>-001`, …"""
    out = []
    parsed = sorted(rows(folder / "rumors.txt"), key=lambda p: p[1])  # arrival order, not claim order
    for n, (claim, at, location, text) in enumerate(parsed, start=1):
        out.append({"id": f"{prefix}-{n:03d}", "text": text.strip(), "channel": CHANNELS[n % len(CHANNELS)],
                    "target_url": None, "target_account": None, "location": None if location == "-" else location,
                    "reported_at": f"2027-06-{at}:00+08:00", "claim": claim})
    return out


def write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

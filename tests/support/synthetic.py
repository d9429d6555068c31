"""Synthetic reports for the benchmark and the fault tests, as varied as real ones: each
text joins two lines of the project's own training corpus (services/triage/corpus, never the evaluation sets) with
a place and a number, so two reports rarely read alike; most are about a target of their
own (a new case each), some about a target reported before (they join its case), a few
are empty (invalid). Rumor lines go to the rumor desk as they would in production."""
from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

from services.triage.corpus import INVALID, Example, load_corpus

PLACES = ["南宁市青秀区", "南宁市西乡塘区", "南宁市江南区", "南宁市兴宁区", "南宁市良庆区", "南宁市邕宁区",
          "南宁市武鸣区", "南宁市横州市", "南宁市宾阳县", "柳州市城中区", None]
APPS = ["微信", "抖音", "快手", "微博", "小红书", "QQ", "今日头条", "B站"]
HOSTS = ["v.douyin.com", "weibo.com", "www.kuaishou.com", "mp.weixin.qq.com", "www.xiaohongshu.com", "b23.tv"]
JOINERS = ["另外，", "还有，", "而且", "补充一下：", "同时", ""]


@lru_cache(maxsize=1)
def _by_category() -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {}
    for example in load_corpus():
        out.setdefault(example.category, []).append(example)
    return out


def report(rng: random.Random, serial: int, seen_targets: list[str]) -> dict[str, Any]:
    """One report body for POST /api/v1/reports."""
    corpus = _by_category()
    if rng.random() < 0.03:
        return {"text": rng.choice(corpus[INVALID]).text, "location": None}
    category = rng.choice([c for c in corpus if c != INVALID])
    first, second = rng.sample(corpus[category], 2)
    place = rng.choice(PLACES)
    text = f"{first.text}。{rng.choice(JOINERS)}{second.text}（{(place or '')[3:]}，第{rng.randint(2, 90)}次看到）"
    if seen_targets and rng.random() < 0.15:
        url = rng.choice(seen_targets)  # another report about a target already reported: one case
    else:
        url = f"https://{rng.choice(HOSTS)}/b{serial}x{rng.randrange(10**9)}"
        seen_targets.append(url)
        if len(seen_targets) > 500:
            seen_targets.pop(0)
    body: dict[str, Any] = {"text": text[:5000], "category_hint": category if rng.random() < 0.6 else None,
                            "target_urls": [url], "target_platform": rng.choice(APPS), "location": place}
    if rng.random() < 0.3:
        body["contact"] = {"phone": f"139{rng.randrange(10**8):08d}"}
    return body


def reports(count: int, seed: int) -> list[dict[str, Any]]:
    rng, seen = random.Random(seed), []  # type: ignore[var-annotated]
    return [report(rng, seed * 1_000_000 + i, seen) for i in range(count)]

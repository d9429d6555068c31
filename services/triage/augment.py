"""Training-time variants of the corpus: the same report as other reporters would write it.

Real reports come wrapped in talk (家人们谁懂啊, 麻烦管管), several facts to one report, or
cut to a few words. Each corpus line gets, deterministically (a seeded `random.Random`):
a framed variant (an opening and a closing of the kind reporters use, none of which says
anything about a category), a two-fact variant (two reports of the same category and zone
joined, as a long report reads), and a terse variant (its first clause, kept only when that
clause still names a term of its category). Variants never leave the fold of their line, so
cross-validation stays honest (`train.fit` augments the training part only).
"""
from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from services.triage.corpus import Example

OPENINGS = ("家人们谁懂啊，", "救命，", "如题，", "举报一下：", "麻烦看一下，", "实名举报，", "刚刷到的，",
            "我不知道该找谁，", "帮忙转给相关部门：", "说一下情况：", "反映一个问题，", "请问这个归你们管吗？",
            "早上刷手机看到的，", "朋友转给我的，", "不知道有没有人举报过，", "")
CLOSINGS = ("麻烦管管", "已经截图了", "速度处理！", "🙏🙏🙏", "谢谢", "希望尽快处理", "太过分了", "截图在附件里",
            "链接我复制在下面了", "请核实", "不知道是不是真的", "求回复", "我身边好多人都看到了", "")
_CLAUSE = re.compile(r"[，。！？；,.!?;]")


def _framed(example: Example, rng: random.Random) -> Example:
    text = f"{rng.choice(OPENINGS)}{example.text.rstrip('。')}。{rng.choice(CLOSINGS)}"
    return Example(text=text, category=example.category, zone=example.zone, severity=example.severity,
                   source=example.source + "+framed")


_ORDER = ("general", "important", "difficult", "emergency", "major")


def _two_facts(example: Example, partner: Example) -> Example:
    text = f"{example.text.rstrip('。')}。还有，{partner.text}"
    severity = max(example.severity, partner.severity, key=_ORDER.index)  # the report is as urgent as its worst fact
    return Example(text=text, category=example.category, zone=example.zone, severity=severity,
                   source=f"{example.source}+{partner.source}")


def _terse(example: Example, names_category: Callable[[str, str], bool]) -> Example | None:
    first = _CLAUSE.split(example.text, maxsplit=1)[0]
    if len(first) < 6 or len(first) == len(example.text) or not names_category(first, example.category):
        return None
    return Example(text=first, category=example.category, zone=example.zone, severity=example.severity,
                   source=example.source + "+terse")


def augmented(examples: Sequence[Example], names_category: Callable[[str, str], bool],
              seed: int = 13) -> list[Example]:
    """The examples followed by their variants; the same input always gives the same output."""
    rng = random.Random(seed)
    by_label: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        by_label[(example.category, example.zone)].append(example)
    variants: list[Example] = []
    for example in examples:
        variants.append(_framed(example, rng))
        peers = [e for e in by_label[(example.category, example.zone)] if e is not example]
        if peers:
            variants.append(_two_facts(example, rng.choice(peers)))
        if (terse := _terse(example, names_category)) is not None:
            variants.append(terse)
    return [*examples, *variants]

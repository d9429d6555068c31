"""The facts that tell one event from a look-alike in the same city (which line, which day,
which thing, what happened), and how a report's facts compare with a claim's.

Two rumors of one kind in one city share most of their words ("地铁1号线明天停运" and
"地铁3号线下周停运"), so text similarity cannot part them; what parts them is one fact
both state differently. A fact one side does not state is no evidence either way: the
report "地铁要停运？" may belong to either claim, and a retelling without numbers still joins.

Kinds of fact (each value as text, so a claim can count reports per value):
- `line`: a transport line or route number (1号线 = 一号线, 10路);
- `day`: a day of the month (5号, 3月5日, 三月五日: day 5);
- `object:<group>`: the member of a group of alternatives the text names (rules/objects.yaml:
  metro / bus / taxi, pork / rice ...);
- `happening`: the event concepts of rules/synonyms.yaml (停水, 中毒, 地震 ...);
- `quantity`: a number with its unit (三倍 = 3倍, 十块 = 10元): the same figure retold is
  evidence of one rumor, while a different or missing figure is none against it (retellings
  round, inflate and drop numbers).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from libs.common.events import Reason
from services.rumor.clustering.similarity import number_value
from services.rumor.params import JoinParams, objects, related

Facts = dict[str, tuple[str, ...]]

_NUM = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_LINE = re.compile(_NUM + r"号线|(\d{1,3})路(?=公交|车|线|大巴|巴士|班车|[^\u4e00-\u9fff]|$|停|取消|改|撤|要|下|明|从|全|将|被)")
# Every line of the city (全市公交罢工, 所有线路停运) is a line fact of its own: one route's
# cancellation and a city-wide strike need two rebuttals.
_ALL_LINES = re.compile(r"(?:全市|所有|全部|全城)(?:的)?(?:公交|地铁|线路|公交线路|地铁线路)|公交(?:车)?全部")
_MONTH_DAY = re.compile(_NUM + r"月" + _NUM + r"[日号]")
# 号 after a number is a day unless it names a line, a building, a room or a stall.
_DAY = re.compile(r"(?<![月\d])" + _NUM + r"[日号](?![线楼院门口馆库地店机码称位床窗车桥台柜厅栋房])")


# How a rumor was made (伪造的通知, P图, 旧视频), which its rebuttals say: no happening, so no
# conflict with the happening the rumor tells (停课, 鲨鱼咬人).
_TELLING = frozenset({"k:forgery", "k:fake_media"})


def extract_facts(text: str, concepts: Sequence[str], quantities: Sequence[str] = ()) -> Facts:
    """The facts a normalized text states; `concepts` are its happening concepts, `quantities`
    its quantity terms (similarity.quantity_terms)."""
    facts: dict[str, set[str]] = {}
    for match in _LINE.finditer(text):
        number = number_value(match.group(1) or match.group(2))
        if number and number != "0":
            facts.setdefault("line", set()).add(number)
    if _ALL_LINES.search(text):
        facts.setdefault("line", set()).add("all")
    days = {number_value(m.group(2)) for m in _MONTH_DAY.finditer(text)}
    days |= {number_value(m.group(1)) for m in _DAY.finditer(text)}
    days = {d for d in days if d and d.isdigit() and 1 <= int(d) <= 31}
    if days:
        facts["day"] = days
    for group, members in _object_words().items():
        named = {member for member, words in members if any(w in text for w in words)}
        if named:
            facts[f"object:{group}"] = named
    happenings = set(concepts) - _TELLING
    if happenings:
        facts["happening"] = happenings
    # With its unit only: a bare 3 is a date, a count or a line as often as the figure.
    with_unit = {q.removeprefix("n:") for q in quantities if not q.removeprefix("n:").replace(".", "").isdigit()}
    if with_unit:
        facts["quantity"] = with_unit
    return {kind: tuple(sorted(values)) for kind, values in facts.items()}


@lru_cache(maxsize=1)
def _object_words() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    return {group: tuple((member, tuple(words)) for member, words in members.items())
            for group, members in objects().root.items()}


@lru_cache(maxsize=1)
def _related_pairs() -> frozenset[frozenset[str]]:
    return frozenset(frozenset((f"k:{a}", f"k:{b}")) for group in related().root
                     for a in group for b in group if a != b)


def _related(mine: Sequence[str], theirs: set[str]) -> bool:
    pairs = _related_pairs()
    return any(frozenset((a, b)) in pairs for a in mine for b in theirs)


def count_facts(counts: Mapping[str, Mapping[str, int]], facts: Facts) -> dict[str, dict[str, int]]:
    """The claim's per-kind counts of reports stating each value, with one report's facts added."""
    out = {kind: dict(values) for kind, values in counts.items()}
    for kind, values in facts.items():
        for value in values:
            out.setdefault(kind, {})[value] = out.get(kind, {}).get(value, 0) + 1
    return out


def _dominant(counts: Mapping[str, int], share: float) -> set[str]:
    top = max(counts.values(), default=0)
    return {v for v, n in counts.items() if n > 0 and n >= share * top}


def compare_facts(report: Facts, claim: Mapping[str, Mapping[str, int]], params: JoinParams) -> tuple[float, list[Reason]]:
    """Penalty per kind of fact both state with no value in common (against the values most
    of the claim's reports state); a bonus when they state the same line, day or thing (的士 = 出租车)."""
    score, reasons = 0.0, []
    for kind, values in sorted(report.items()):
        theirs = _dominant(claim.get(kind, {}), params.fact_dominant_share)
        if not theirs:
            continue
        base = kind.split(":")[0]
        shared = set(values) & theirs
        if not shared and base == "happening" and _related(values, theirs):
            continue  # 地震 and 房子塌了: cause and consequence of one event (rules/related.yaml)
        if shared:
            bonus = {"line": params.line_agree_bonus, "day": params.day_agree_bonus,
                     "object": params.object_agree_bonus, "quantity": params.quantity_agree_bonus}.get(base, 0.0)
            if bonus:
                score += bonus
                reasons.append(Reason(rule=f"rumor.fact.{base}_agree", detail=f"{kind}: {'、'.join(sorted(shared))}",
                                      terms=sorted(shared), score=bonus))
            continue
        penalty = {"line": params.line_conflict_penalty, "day": params.day_conflict_penalty,
                   "object": params.object_conflict_penalty,
                   "happening": params.concept_conflict_penalty, "quantity": 0.0}[base]
        if penalty:
            score -= penalty
            detail = f"{kind}: the report says {'、'.join(values)}, the claim {'、'.join(sorted(theirs))}"
            rule = "rumor.concept_conflict" if base == "happening" else f"rumor.fact.{base}_conflict"
            reasons.append(Reason(rule=rule, detail=detail,
                                  terms=sorted(set(values) | theirs), score=-penalty))
    mine = {k for k in report if k.startswith("object:")}
    theirs_kinds = {k for k, v in claim.items() if k.startswith("object:") and v}
    if mine and theirs_kinds and not mine & theirs_kinds and params.object_conflict_penalty:
        # 大米涨价 and 公交涨价: each names a thing, of different groups, so not the same thing.
        score -= params.object_conflict_penalty
        groups = sorted(k.removeprefix("object:") for k in mine | theirs_kinds)
        reasons.append(Reason(rule="rumor.fact.object_conflict", detail=f"about {'、'.join(groups)}: different things",
                              terms=groups, score=-params.object_conflict_penalty))
    return score, reasons

"""Text vectors of rumor reports: IDF-weighted jieba words, character bigrams and characters, and cosine.

Bigrams survive typos and odd segmentation (禁点动车); characters let paraphrases meet
(决口/决堤, 煤气/燃气).

IDF comes from a background corpus (features.corpus_idf), so the frame every report shares
(群里说, 请核实) weighs little and the words that name a rumor (停水, 溃坝, 医保卡) weigh much.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from services.rumor.clustering.normalize import strip_symbols
from services.rumor.clustering.segmentation import segment
from services.rumor.params import RULES_DIR, synonyms

Vector = dict[str, float]
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORD = "w:"
_BIGRAM = "b:"
_CHAR = "c:"
_CONCEPT = "k:"
_QUANTITY = "n:"


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (RULES_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def terms(text: str) -> list[str]:
    """Word, bigram and character features of an already normalized, place-free text.

    Bigrams are taken inside words of three or more characters only (电动车 -> 电动, 动车):
    bigrams across a word boundary (边家, 个小) are noise the corpus is too small to weigh.
    """
    clean = strip_symbols(text)
    stop = stopwords()
    words = [w for w, _ in segment(clean) if w.strip() and w not in stop and not w.isdigit()]
    bigrams = [w[i:i + 2] for w in words if len(w) >= 3 and _CJK.fullmatch(w) for i in range(len(w) - 1)]
    chars = [ch for w in words for ch in w if _CJK.fullmatch(ch) and ch not in stop]
    return ([_WORD + w for w in words] + [_BIGRAM + b for b in bigrams] + [_CHAR + c for c in chars]
            + [_CONCEPT + c for c in concepts(clean, words)])


@lru_cache(maxsize=1)
def _synonyms() -> tuple[dict[str, str], dict[str, str]]:
    """(multi-character member -> concept, single-character member -> concept)."""
    groups = synonyms().root
    long, short = {}, {}
    for concept, members in groups.items():
        for member in members:
            (long if len(member) > 1 else short)[str(member).lower()] = concept
    return long, short


def concepts(text: str, words: Iterable[str]) -> set[str]:
    """Event concepts a text names (rules/synonyms.yaml): 桥垮了 and 大桥坍塌 both name collapse."""
    long, short = _synonyms()
    found = {concept for member, concept in long.items() if member in text}
    return found | {short[w] for w in words if w in short}


def idf_from_documents(documents: Iterable[Iterable[str]], power: float) -> tuple[dict[str, float], float]:
    """(idf**power per term, the value for a term no document has), smoothed as in sklearn."""
    docs = [set(doc) for doc in documents]
    df = Counter(t for doc in docs for t in doc)
    n = len(docs)
    table = {t: (math.log((n + 1) / (c + 1)) + 1) ** power for t, c in df.items()}
    return table, (math.log(n + 1) + 1) ** power


def quantity_terms(quantities: Iterable[str]) -> list[str]:
    """Quantity features, the same however written: 三百块 = 300元 = 300; each quantity gives
    its number, and its number with the unit when it has one."""
    out = []
    for quantity in quantities:
        match = _NUMBER_UNIT.fullmatch(quantity)
        if match and number_value(match.group(1)) is None and quantity[-1] in _DIGITS:
            # 十块一吨: the 一 after 块 counts the next measure, not jiao (4块5 keeps its 5)
            match = _NUMBER_UNIT.fullmatch(quantity[:-1])
        if not match:
            continue
        value = number_value(match.group(1))
        if value is None:
            continue
        unit = _UNITS.get(match.group(2) or "", match.group(2))
        if unit == "小时" and value.isdigit() and int(value) >= 24 and int(value) % 24 == 0:
            value, unit = str(int(value) // 24), "天"  # 断电72小时 retells 断电三天
        out.append(f"{_QUANTITY}{value}")
        if unit:
            out.append(f"{_QUANTITY}{value}{unit}")
    return out


_NUMBER_UNIT = re.compile(r"(.+?)(?:多|来|几)?(%|％|个月|个|小时|天|块钱|块|元|万|倍|成|岁|人|次|米|方|公里|分钟|年|周|斤|毛|折)?\d?")
_UNITS = {"块钱": "元", "块": "元", "％": "%"}
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def number_value(number: str) -> str | None:
    """"72" -> "72", "三百" -> "300", "二十五" -> "25", "一半" -> "0.5", "百分之五十" -> "50%"."""
    if number == "一半":
        return "0.5"
    if number.startswith("百分之"):
        inner = number_value(number.removeprefix("百分之"))
        return f"{inner}%" if inner else None
    if re.fullmatch(r"\d+(?:[.:]\d+)?", number):
        return number
    total, current = 0, 0
    for ch in number:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _SCALE:
            total += (current or 1) * _SCALE[ch]
            current = 0
        else:
            return None
    return str(total + current)


def vectorize(features: Iterable[str], idf: tuple[Mapping[str, float], float], *, word_weight: float,
              bigram_weight: float, char_weight: float, concept_weight: float,
              quantity_weight: float = 0.0) -> Vector:
    """L2-normalized tf-idf vector; sublinear tf so a repeated word does not dominate."""
    table, unseen = idf
    kinds = {_WORD: word_weight, _BIGRAM: bigram_weight, _CHAR: char_weight, _CONCEPT: concept_weight,
             _QUANTITY: quantity_weight}
    vec: Vector = {}
    for term, count in Counter(features).items():
        kind = kinds[term[:2]]
        weight = kind * (1 + math.log(count)) * table.get(term, unseen)
        if weight > 0:
            vec[term] = weight
    return normalized(vec)


def is_char_term(term: str) -> bool:
    return term.startswith(_CHAR)


def normalized(vec: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(t, 0.0) for t, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def top_terms(vec: Mapping[str, float], k: int) -> list[str]:
    """The k heaviest terms, ties broken by the term so the order is deterministic."""
    return [t for t, _ in sorted(vec.items(), key=lambda tv: (-tv[1], tv[0]))[:k]]


def shared_terms(a: Mapping[str, float], b: Mapping[str, float], k: int = 8) -> list[str]:
    """The words both vectors weigh most, for an operator reading why a report joined."""
    common = {t: a[t] * b[t] for t in a.keys() & b.keys() if t.startswith(_WORD)}
    return [t.removeprefix(_WORD) for t in top_terms(common, k)]

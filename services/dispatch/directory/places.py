"""Where a report is about: address text or region code -> the most specific division.

Pure: `resolve_place(location, region_code, directory)` weighs every place name found in
the address (and the region code, which weighs most) and picks the division that the most
evidence agrees with. Inside the city: that division. Elsewhere in China: that division,
with a transfer (移交) to its city's report center. Nothing usable: the city itself.

When the address and the code say nothing, `text=` (the report's own words) is read the
same way, with only the names that say much (full names, city and county short names):
"桂林市秀峰区有个棋牌室" is a Guilin case even with no address typed. The placement's basis
is then "report_text" and its evidence names what was read, for the audit.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from libs.common.events import Division
from libs.common.places import normalize_address as normalize
from services.dispatch.directory.directory import Directory
from services.dispatch.directory.gazetteer import WEIGHTS, Hit, Mention

MAX_ADDRESS_CHARS = 300  # an address, not an essay: bounds the work on pasted text
MAX_TEXT_CHARS = 600  # the report's own words: where a place is named, it is named early
# In free text only official full names (秀峰区, 武鸣区), the directory's aliases and landmarks
# count: a short form in a sentence is too often something else (南京大屠杀, 北京赛车, 公安局
# and 天台 are not Nanjing, Beijing, 公安县 or 天台县), which an address field never is.
TEXT_KINDS = frozenset({"full", "alias", "landmark"})
# ... and a short form when the sentence says it is a place: a word of place after it
# (西乡塘那边, 上林一带, 石埠嗰边), or another name of the same place right beside it (邕宁蒲庙,
# 武鸣城厢镇), which an ordinary word never has.
PLACE_AFTER = ("这边", "那边", "这里", "那里", "这块", "那块", "一带", "附近", "县城", "城区", "街上",
               "片区", "地区", "镇上", "乡下", "嗰边", "呢边", "嗰度", "这头", "那头", "老家")


class Placement(BaseModel):
    """The division a case is placed in, and whether it leaves the city."""

    model_config = ConfigDict(frozen=True)

    division: Division
    in_city: bool
    transfer_to: str | None = None  # official name of the city (or province), e.g. "宿迁市"
    transfer_center: str | None = None  # e.g. "宿迁市互联网违法和不良信息举报中心"
    province: str | None = None
    zone: str | None = None  # development zone (功能区) the division belongs to
    basis: Literal["region_code", "text", "report_text", "default"] = "default"
    evidence: list[str] = Field(default_factory=list)  # names that agreed, for the audit


def resolve_place(location: str | None, region_code: str | None,
                  directory: Directory, *, text: str | None = None) -> Placement:
    """Place a report; never raises on any text (bad input simply places nothing).
    `text`, the report's description, is read only when address and code place nothing."""
    mentions: list[Mention] = []
    code = normalize_region_code(region_code, directory)
    if code is not None:
        mentions.append(Mention(f"#{code}", -1, (Hit(code, WEIGHTS["code"], "code"),)))
    if location:
        mentions += directory.gazetteer.scan(normalize(location)[:MAX_ADDRESS_CHARS])
    mentions = _unique_terms(mentions)
    best = _best_division(mentions, directory)
    if best is None:
        return _from_report_text(text, directory) if text else city_placement(directory)
    basis: Literal["region_code", "text"] = "region_code" if code is not None else "text"
    return _placement(best, mentions, directory, basis)


def _from_report_text(text: str, directory: Directory) -> Placement:
    mentions = []
    norm = normalize(text)[:MAX_TEXT_CHARS]
    scanned = directory.gazetteer.scan(norm)
    for mention in scanned:
        said_as_place = _said_as_place(mention, norm, scanned, directory)
        hits = tuple(h for h in mention.hits if h.kind in TEXT_KINDS or said_as_place)
        if hits:
            mentions.append(mention._replace(hits=hits))
    mentions = _unique_terms(mentions)
    best = _best_division(mentions, directory)
    if best is None:
        return city_placement(directory)
    return _placement(best, mentions, directory, "report_text")


def _said_as_place(mention: Mention, text: str, scanned: list[Mention], directory: Directory) -> bool:
    end = mention.start + len(mention.term)
    if any(text.startswith(w, end) for w in PLACE_AFTER):
        return True
    for other in scanned:  # a name right beside it that names the same place, above or below
        other_end = other.start + len(other.term)
        if other is mention or not (other.start == end or other_end == mention.start):
            continue
        if any(_related(h.code, o.code, directory) for h in mention.hits for o in other.hits):
            return True
    return False


def _related(a: str, b: str, directory: Directory) -> bool:
    if a not in directory.nodes or b not in directory.nodes:
        return False
    return a in directory.ancestors(b) or b in directory.ancestors(a)


def city_placement(directory: Directory, basis: Literal["default", "text", "report_text"] = "default",
                   evidence: list[str] | None = None) -> Placement:
    """Unknown place: the case belongs to the center's city as a whole."""
    province = directory.nodes[directory.province_code].name
    return Placement(division=directory.division(directory.city_code), in_city=True,
                     province=province, basis=basis, evidence=evidence or [])


def normalize_region_code(region_code: str | None, directory: Directory) -> str | None:
    """Accept 2/4/6/9/12-digit codes, zero-padded or not; the most specific one we know."""
    digits = re.sub(r"\D", "", normalize(region_code or ""))[:12]
    if len(digits) < 2:
        return None
    tries = [digits, digits[:9], digits[:6], digits[:4] + "00", digits[:2] + "0000"]
    for code in tries:
        code = _strip_padding(code)
        if code in directory.nodes:
            return code
    return None


def _strip_padding(code: str) -> str:
    """450103000000 -> 450103, 4501 -> 450100, 45 -> 450000 (the index's code shapes)."""
    if len(code) == 12 and code.endswith("000"):
        code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    if len(code) in (2, 4):
        code = code.ljust(6, "0")
    return code


def _unique_terms(mentions: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        if m.term not in seen:
            seen.add(m.term)
            out.append(m)
    return out


def _score(code: str, mentions: list[Mention], directory: Directory) -> float:
    """Evidence for `code`: names naming it or an ancestor add; names pointing elsewhere
    (neither an ancestor nor a descendant) subtract, so 苏州高新区 is not Nanning's 高新区."""
    ancestors = set(directory.ancestors(code))
    score = 0.0
    for m in mentions:
        agreeing = [h.weight for h in m.hits if h.code in ancestors]
        if agreeing:
            score += max(agreeing)
        elif not any(code in directory.ancestors(h.code) for h in m.hits):
            score -= max(h.weight for h in m.hits)
    return score


def _best_division(mentions: list[Mention], directory: Directory) -> str | None:
    candidates = {h.code for m in mentions for h in m.hits if h.code in directory.nodes}
    if not candidates:
        return None
    scored = {c: _score(c, mentions, directory) for c in candidates}
    top = max(scored.values())
    tied = sorted(c for c, s in scored.items() if s == top)
    # On a tie, the center's own city wins: a wrong local placement is rejected and
    # re-routed at home, a wrong transfer leaves the city.
    pool = [c for c in tied if directory.in_city(c)] or tied
    return pool[0] if len(pool) == 1 else _common_ancestor(pool, directory)


def _common_ancestor(codes: list[str], directory: Directory) -> str | None:
    """Ambiguous names (城厢镇 is in two counties): fall back to what they share."""
    shared = set(directory.ancestors(codes[0]))
    for code in codes[1:]:
        shared &= set(directory.ancestors(code))
    return next((a for a in directory.ancestors(codes[0]) if a in shared), None)


def _evidence(code: str, mentions: list[Mention], directory: Directory) -> list[str]:
    ancestors = set(directory.ancestors(code))
    return [m.term for m in mentions if any(h.code in ancestors for h in m.hits)]


def _placement(code: str, mentions: list[Mention], directory: Directory,
               basis: Literal["region_code", "text", "report_text"]) -> Placement:
    evidence = _evidence(code, mentions, directory)
    node = directory.nodes[code]
    if directory.in_city(code):
        zone = next((u.zone for u in directory.unit_chain(code) if u.zone), None)
        province = directory.nodes[directory.province_code].name
        return Placement(division=directory.division(code), in_city=True, province=province,
                         zone=zone, basis=basis, evidence=evidence)
    if node.level == "province" and code == directory.province_code:
        return city_placement(directory, basis=basis if basis != "region_code" else "text",
                              evidence=evidence)  # "广西": stays here
    center = directory.center_for(code)
    province_node = directory.ancestor_at(code, "province")
    receiver = directory.ancestor_at(code, "city") or province_node or node
    return Placement(
        division=directory.division(code), in_city=False,
        transfer_to=center.name if center else receiver.name,
        transfer_center=center.center if center else None,
        province=province_node.name if province_node else None, basis=basis,
        evidence=evidence,
    )

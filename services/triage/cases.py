"""Case-merge keys (并案), pure: the store looks cases up by these strings.

Reports about one thing join one case when they share a key:
  url:<normalized url>          same target URL, after removing share/tracking noise
  acct:<platform>:<handle>      same account on the same platform
  lsh:<band>:<hash>             near-duplicate text (MinHash band of character shingles)
An LSH key only nominates a candidate: the store should confirm it with `similarity` of
the two `text_signature`s against `duplicate_similarity` before merging.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from fnmatch import fnmatchcase
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import numpy as np
from datasketch import MinHash

from libs.common.events import ReportContent
from libs.common.rulefile import load_rule_file
from services.triage.config import AccountRules, CasesConfig, TextSignatureRules, UrlRules
from services.triage.rules import RULES_DIR

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_QUOTES = "“”\"'‘’「」『』《》<>()（）[]【】"
_HANDLE_JUNK = re.compile(r"[\s@＠:：,，。;；|/]+")
_SHINGLE_DROP = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def default_case_rules() -> CasesConfig:
    """The shipped rules/cases.yaml, for callers that do not pass their own."""
    return load_rule_file(CasesConfig, RULES_DIR / "cases.yaml")


def _host(raw_host: str, rules: UrlRules) -> str:
    host = raw_host.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):  # not IDNA-encodable: keep it as written
        host = host.encode("idna").decode("ascii")
    for prefix in rules.strip_host_prefixes:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    return rules.host_aliases.get(host, host)


def _query(query: str, host: str, rules: UrlRules) -> str:
    pairs = parse_qsl(query, keep_blank_values=False)
    keep = rules.item_params.get(host)
    if keep is not None:
        pairs = [(k, v) for k, v in pairs if k in keep]
    else:
        pairs = [(k, v) for k, v in pairs if not any(fnmatchcase(k.lower(), p) for p in rules.drop_params)]
    return urlencode(sorted(pairs))


def normalize_url(url: str, rules: UrlRules | None = None) -> str:
    """One spelling per target: https, lower-case host without www./m., no default port,
    no tracking or share parameters, no trailing slash, no fragment (except #/ routes).
    Path case is kept: short-link codes are case-sensitive."""
    rules = rules or default_case_rules().url
    text = url.strip().strip(_QUOTES)
    if not _SCHEME.match(text):
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return text
    host = _host(parts.hostname or "", rules)
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    path = quote(unquote(re.sub(r"/{2,}", "/", parts.path)), safe="/:@!$&'()*+,;=-._~")
    path = path.rstrip("/")
    query = _query(parts.query, host, rules)
    fragment = f"#{parts.fragment}" if parts.fragment.startswith("/") else ""
    return f"https://{host}{port}{path}{'?' + query if query else ''}{fragment}"


def _platform_from_host(host: str, rules: AccountRules) -> str | None:
    for code, platform in rules.platforms.items():
        if any(host == h or host.endswith("." + h) for h in platform.hosts):
            return code
    return None


def _standalone(text: str, at: int, length: int) -> bool:
    """A Latin platform name ("dy", "qq") counts only as a word of its own, not inside a handle."""
    before = text[at - 1:at]
    after = text[at + length:at + length + 1]
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _find_platform(text: str, rules: AccountRules) -> tuple[str | None, str]:
    """The platform named in `text` (longest name wins) and the text without that name."""
    names = sorted(((n.lower(), code) for code, p in rules.platforms.items() for n in p.names),
                   key=lambda x: -len(x[0]))
    for name, code in names:
        at = text.find(name)
        if at >= 0 and (not name.isascii() or _standalone(text, at, len(name))):
            return code, text[:at] + " " + text[at + len(name):]
    return None, text


def account_key(account: str | None, platform: str | None = None, urls: list[str] | tuple[str, ...] = (),
                rules: AccountRules | None = None) -> str | None:
    """`acct:<platform>:<handle>`, or None when no handle is named.
    "抖音 @东北虎哥", "抖音号：东北虎哥" and "@东北虎哥" with platform 抖音 are one key."""
    if not account:
        return None
    rules = rules or default_case_rules().account
    text = unicodedata.normalize("NFKC", account).lower()
    code, text = _find_platform(text, rules)
    if code is None and platform:
        code, _ = _find_platform(unicodedata.normalize("NFKC", platform).lower(), rules)
    for url in urls:
        code = code or _platform_from_host(urlsplit(normalize_url(url)).hostname or "", rules)
    for word in sorted(rules.strip_words, key=len, reverse=True):
        text = text.replace(word.lower(), " ")
    handle = _HANDLE_JUNK.sub("", text.translate({ord(q): None for q in _QUOTES}))
    return f"acct:{code or 'unknown'}:{handle}" if handle else None


def _shingles(text: str, size: int) -> list[bytes]:
    compact = _SHINGLE_DROP.sub("", unicodedata.normalize("NFKC", text).lower())
    return [compact[i:i + size].encode("utf-8") for i in range(max(1, len(compact) - size + 1))] if compact else []


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    template = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
    return template.permutations  # type: ignore[no-any-return]


def text_signature(text: str, rules: TextSignatureRules | None = None) -> list[int]:
    """MinHash of the text's character shingles: `num_perm` integers, deterministic."""
    rules = rules or default_case_rules().text
    minhash = MinHash(num_perm=rules.num_perm, seed=rules.seed, scheme="affine32",
                      permutations=_permutations(rules.num_perm, rules.seed))
    shingles = _shingles(text, rules.shingle)
    if shingles:
        minhash.update_batch(shingles)
    return [int(v) for v in minhash.hashvalues]


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (0.0 to 1.0)."""
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    return sum(a == b for a, b in zip(sig_a, sig_b, strict=True)) / len(sig_a)


def lsh_keys(signature: list[int], rules: TextSignatureRules | None = None) -> list[str]:
    """One key per LSH band: texts sharing any key are near-duplicate candidates."""
    rules = rules or default_case_rules().text
    keys = []
    for band in range(rules.bands):
        rows = signature[band * rules.rows:(band + 1) * rules.rows]
        digest = hashlib.blake2b(np.asarray(rows, dtype=np.uint64).tobytes(), digest_size=8).hexdigest()
        keys.append(f"lsh:{band}:{digest}")
    return keys


def merge_keys(report: ReportContent, rules: CasesConfig | None = None, *,
               signature: list[int] | None = None) -> list[str]:
    """Every key a report can join a case by: URLs, the account, near-duplicate text.
    `signature`: the text's `text_signature`, when the caller has computed it already."""
    rules = rules or default_case_rules()
    keys = [f"url:{normalize_url(u, rules.url)}" for u in report.target_urls if u.strip()]
    account = account_key(report.target_account, report.target_platform, report.target_urls, rules.account)
    if account:
        keys.append(account)
    if sum(ch.isalnum() for ch in report.text) >= rules.text.min_chars:
        keys.extend(lsh_keys(signature or text_signature(report.text, rules.text), rules.text))
    return list(dict.fromkeys(keys))

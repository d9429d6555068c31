"""Validation errors in plain Chinese, naming the field: one wording for every endpoint.

Pure: turns pydantic's error dicts into {field, reason}; never echoes the input back (it
may hold a reporter's personal data).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_LOCATION_ROOTS = {"body", "query", "path", "header"}

_BY_TYPE: dict[str, str] = {
    "missing": "必填项缺失",
    "extra_forbidden": "不支持该字段",
    "string_type": "应为文本",
    "string_too_short": "内容过短（至少 {min_length} 个字符）",
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "格式不正确",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "literal_error": "取值不在允许范围内（{expected}）",
    "enum": "取值不在允许范围内（{expected}）",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "string_unicode": "文本编码无效",
    "url_parsing": "不是有效的网址",
    "url_scheme": "网址需以 http:// 或 https:// 开头",
}


def field_path(loc: Sequence[Any]) -> str:
    """('body', 'contact', 'phone') → 'contact.phone'; ('body', 'reports', 3, 'text') → 'reports[3].text'."""
    parts = list(loc)
    if parts and parts[0] in _LOCATION_ROOTS:
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or (str(loc[0]) if loc else "")


def reason(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":  # our own validators already speak Chinese
        message = str(ctx.get("error") or error.get("msg", ""))
        return message.removeprefix("Value error, ")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "不能为空"
    template = _BY_TYPE.get(kind)
    if template is None:
        return str(error.get("msg", "取值无效"))
    try:
        return template.format(**{k: v for k, v in ctx.items() if isinstance(v, (str, int, float))})
    except (KeyError, IndexError):
        return template.split("（")[0]


def describe(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The `detail` list of a 422: where (loc and field), what kind, and why in Chinese."""
    return [{"loc": list(e.get("loc", ())), "field": field_path(e.get("loc", ())), "type": e.get("type", ""),
             "msg": reason(e)} for e in errors]


def summary(details: Sequence[Mapping[str, Any]]) -> str:
    parts = [f"{d['field']}：{d['msg']}" if d["field"] else str(d["msg"]) for d in details[:3]]
    more = f" 等 {len(details)} 处" if len(details) > 3 else ""
    return "请求内容有误：" + "；".join(parts) + more

"""Closed vocabularies of the domain: categories, zones, severities, channels.

Declared once as Literal types so a typo is a type error and a validation error.
"""
from __future__ import annotations

from typing import Literal, get_args

Category = Literal[
    "terror_violence", "fraud", "pornography", "vulgar",
    "gambling", "infringement", "rumor", "other",
]
Zone = Literal[
    "enterprise_infringement", "cyberbullying", "elderly_fraud", "algorithm",
    "practitioner_misconduct", "historical_nihilism", "minors",
]
# Lowest to highest handling level (分级处置).
Severity = Literal["general", "important", "difficult", "emergency", "major"]
Channel = Literal["web", "miniprogram", "platform", "volunteer", "phone", "email"]

CATEGORIES: tuple[str, ...] = get_args(Category)
ZONES: tuple[str, ...] = get_args(Zone)
SEVERITIES: tuple[str, ...] = get_args(Severity)
CHANNELS: tuple[str, ...] = get_args(Channel)

CATEGORY_ZH: dict[str, str] = {
    "terror_violence": "暴恐", "fraud": "诈骗", "pornography": "色情", "vulgar": "低俗",
    "gambling": "赌博", "infringement": "侵权", "rumor": "谣言", "other": "其他",
}
ZONE_ZH: dict[str, str] = {
    "enterprise_infringement": "涉企侵权", "cyberbullying": "网络暴力",
    "elderly_fraud": "涉养老诈骗", "algorithm": "涉互联网算法推荐",
    "practitioner_misconduct": "网络内容从业人员违法违规",
    "historical_nihilism": "涉历史虚无主义", "minors": "涉未成年人",
}
SEVERITY_ZH: dict[str, str] = {
    "general": "一般", "important": "重要", "difficult": "疑难",
    "emergency": "突发", "major": "重大",
}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)

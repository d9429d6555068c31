"""Imminent danger: a threat to life, a live self-harm, a crime happening now.

The reporter is told at once to call 110 as well; the report is still taken and flagged
for triage. Term lists are data (rules/danger.yaml); this module only applies them.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from libs.common.rulefile import load_rule_file

RULES_FILE = Path(__file__).with_name("rules") / "danger.yaml"
ADVICE = "您反映的情况可能涉及人身安全或正在发生的违法犯罪，请立即拨打110报警。我们也已受理并优先研判。"


class DangerTerms(BaseModel):
    life: list[str]
    now: list[str]
    acts: list[str]


def load_danger_terms(path: Path = RULES_FILE) -> DangerTerms:
    return load_rule_file(DangerTerms, path)


def is_imminent_danger(text: str, terms: DangerTerms) -> bool:
    """Life-threat terms alone, or an act together with a 'happening now' marker."""
    if any(t in text for t in terms.life):
        return True
    return any(t in text for t in terms.now) and any(t in text for t in terms.acts)

"""An operator edits a rule file while dispatch runs (real Kafka and database): the next case
follows the edit without a restart, and a bad edit is refused, counted, and changes nothing."""
from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta

from prometheus_client import REGISTRY

from libs.common.topics import REPORTS_TRIAGED
from services.dispatch.settings import DispatchSettings

from tests.support.dispatch import START, running_dispatch, settings_for, triaged

CHECK_INTERVAL_S = 2.0  # libs.common.rulefile.Reloading's default


def reload_count(outcome: str) -> float:
    return REGISTRY.get_sample_value("netreport_rule_reloads_total",
                                     {"rules": "dispatch.deadlines", "outcome": outcome}) or 0.0


def refused() -> float:
    return REGISTRY.get_sample_value("netreport_rule_edit_refused", {"rules": "dispatch.deadlines"}) or 0.0


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def test_an_edited_deadline_applies_to_the_next_case_and_a_bad_edit_keeps_the_last_good_rules(
        infra, topic_prefix, mongo_db_name, tmp_path):
    deadlines = tmp_path / "deadlines.yaml"
    shutil.copy(DispatchSettings.model_fields["deadlines_file"].default, deadlines)
    loaded, failed = reload_count("loaded"), reload_count("failed")
    async with running_dispatch(settings_for(infra, topic_prefix, mongo_db_name, deadlines_file=deadlines)) as d:
        await d.send(triaged("case-before", "r-1"), REPORTS_TRIAGED)  # important: 24 h
        before = await d.case_when("case-before", lambda c: True)
        assert before["deadline_at"] == START + timedelta(hours=24)

        edit(deadlines, "important: 24", "important: 12")
        await asyncio.sleep(CHECK_INTERVAL_S + 0.5)
        await d.send(triaged("case-after", "r-2"), REPORTS_TRIAGED)
        after = await d.case_when("case-after", lambda c: True)
        assert after["deadline_at"] == START + timedelta(hours=12)
        assert reload_count("loaded") == loaded + 1

        edit(deadlines, "important: 12", "important: twelve")
        await asyncio.sleep(CHECK_INTERVAL_S + 0.5)
        await d.send(triaged("case-bad-edit", "r-3"), REPORTS_TRIAGED)
        kept = await d.case_when("case-bad-edit", lambda c: True)
        assert kept["deadline_at"] == START + timedelta(hours=12)
        assert reload_count("failed") == failed + 1
        assert refused() == 1  # the RuleEditRefused alert reads this
        assert (await d.http.get("/health/ready")).status_code == 200

        edit(deadlines, "important: twelve", "important: 6")
        await asyncio.sleep(CHECK_INTERVAL_S + 0.5)
        await d.send(triaged("case-fixed", "r-4"), REPORTS_TRIAGED)
        fixed = await d.case_when("case-fixed", lambda c: True)
        assert fixed["deadline_at"] == START + timedelta(hours=6) and refused() == 0

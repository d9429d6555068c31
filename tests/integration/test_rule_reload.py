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
        async def hours_of_a_new_case(case_id: str) -> float:
            await d.send(triaged(case_id, f"r-{case_id}"), REPORTS_TRIAGED)  # important gambling
            case = await d.case_when(case_id, lambda c: True)
            return (case["deadline_at"] - START) / timedelta(hours=1)

        async def after_edit(old: str, new: str, case_id: str) -> float:
            edit(deadlines, old, new)
            await asyncio.sleep(CHECK_INTERVAL_S + 0.5)
            return await hours_of_a_new_case(case_id)

        assert await hours_of_a_new_case("case-before") == 24
        assert await after_edit("important: 24", "important: 12", "case-after") == 12
        assert reload_count("loaded") == loaded + 1

        assert await after_edit("important: 12", "important: twelve", "case-bad-edit") == 12
        assert reload_count("failed") == failed + 1
        assert refused() == 1  # the RuleEditRefused alert reads this
        assert (await d.http.get("/health/ready")).status_code == 200

        assert await after_edit("important: twelve", "important: 6", "case-fixed") == 6
        assert refused() == 0

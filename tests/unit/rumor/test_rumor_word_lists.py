"""An edit to rumor's word lists applies to the next report without a restart; an edit that
does not load keeps the lists that work."""
from __future__ import annotations

import shutil

import pytest
from prometheus_client import REGISTRY

from services.rumor import params
from services.rumor.clustering import similarity, word_lists


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    copy = tmp_path / "rules"
    shutil.copytree(params.RULES_DIR, copy)
    monkeypatch.setattr(params, "RULES_DIR", copy)
    word_lists.forget_tables()
    yield copy
    monkeypatch.undo()
    word_lists.forget_tables()  # the other tests see the shipped lists again


def failed() -> float:
    return REGISTRY.get_sample_value("netreport_rule_reloads_total",
                                     {"rules": "rumor.word_lists", "outcome": "failed"}) or 0.0


def test_a_new_synonym_group_applies_after_the_interval_and_a_broken_file_changes_nothing(rules_copy):
    now = [0.0]
    lists = word_lists.watched(check_interval=2, clock=lambda: now[0])
    text = "小区门口的水塔漏光了"
    assert "leak_test" not in similarity.concepts(text, [])

    synonyms = rules_copy / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "leak_test: [漏光了, 漏干了]\n", encoding="utf-8")
    lists.get()
    assert "leak_test" not in similarity.concepts(text, [])  # not looked at before the interval
    now[0] = 3
    lists.get()
    assert "leak_test" in similarity.concepts(text, [])

    before = failed()
    (rules_copy / "objects.yaml").write_text("metro: [地铁]\n", encoding="utf-8")  # groups need kinds: refused
    now[0] = 6
    lists.get()
    assert failed() == before + 1
    assert "leak_test" in similarity.concepts(text, [])  # the tables that worked are kept


def test_a_related_group_naming_no_concept_is_refused_with_the_file_and_the_name(rules_copy):
    (rules_copy / "related.yaml").write_text("- [flood, levee_brekd]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="related.yaml: levee_brekd"):
        word_lists.check(rules_copy)

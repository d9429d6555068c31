"""Rules are data: validated on load, reloaded on change, a bad edit keeps the old rules."""
import os
import shutil
from pathlib import Path

import pytest

from services.triage.corpus import corpus_digest
from services.triage.rules import RULES_DIR, RulesHolder, load_rules


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    shutil.copytree(RULES_DIR.parent / "model", tmp_path / "model")
    return tmp_path / "rules"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_shipped_model_was_trained_on_the_shipped_corpus(rules):
    assert rules.model.meta["corpus_digest"] == corpus_digest(), "run python -m services.triage.train"


def test_a_misspelled_severity_fails_the_load_naming_the_file(rules_copy):
    _edit(rules_copy / "severity.yaml", "vulgar: general", "vulgar: genral")
    with pytest.raises(ValueError, match="severity.yaml"):
        load_rules(rules_copy)


def test_a_trigger_naming_an_unknown_term_group_fails_the_load(rules_copy):
    _edit(rules_copy / "severity.yaml", "all: [dispute]", "all: [disputes]")
    with pytest.raises(ValueError, match="disputes"):
        load_rules(rules_copy)


def test_a_danger_signal_naming_an_unknown_term_group_fails_the_load(rules_copy):
    _edit(rules_copy / "danger.yaml", "all: [mass]", "all: [masss]")
    with pytest.raises(ValueError, match=r"(?s)danger\.yaml.*masss"):
        load_rules(rules_copy)


def test_a_bad_danger_pattern_fails_the_load(rules_copy):
    _edit(rules_copy / "danger.yaml", "patterns:\n  time: [", "patterns:\n  time: ['(unclosed', ")
    with pytest.raises(ValueError, match="unclosed"):
        load_rules(rules_copy)


def test_holder_reloads_when_a_rule_file_changes(rules_copy):
    now = [0.0]
    holder = RulesHolder(rules_copy, check_interval=5, clock=lambda: now[0])
    before = holder.get()
    _edit(rules_copy / "severity.yaml", "vulgar: general", "vulgar: important")
    assert holder.get() is before  # not checked again before the interval passes
    now[0] = 10
    after = holder.get()
    assert after.severity.base["vulgar"] == "important"
    assert after.version != before.version


def test_holder_keeps_the_working_rules_when_an_edit_is_bad(rules_copy):
    now = [0.0]
    holder = RulesHolder(rules_copy, check_interval=1, clock=lambda: now[0])
    before = holder.get()
    _edit(rules_copy / "validity.yaml", "min_content_chars: 4", "min_content_chars: four")
    now[0] = 5
    assert holder.get() is before


def test_term_lists_can_be_edited_without_code(rules_copy):
    _edit(rules_copy / "categories.yaml", "strong: [赌博,", "strong: [新暗语xyz,  赌博,")
    edited = load_rules(rules_copy)
    from services.triage.textnorm import normalize
    assert "新暗语xyz" in edited.lexicon.scan(normalize("群里都在说新暗语xyz")).terms("category:gambling")

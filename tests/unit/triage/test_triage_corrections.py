"""Operator corrections go into training through the same command (train --corrections)."""
from __future__ import annotations

import json

import pytest

from services.triage.corpus import INVALID, Example, load_corrections, with_corrections


def _write(tmp_path, records):
    path = tmp_path / "corrections.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_a_correction_in_the_dev_file_shape_becomes_a_training_example(tmp_path):
    path = _write(tmp_path, [
        {"id": "q-1", "text": "这个网站放枪版电影", "label": {"category": "infringement", "zone": None,
                                                         "severity": "general", "valid": True}},
        {"id": "q-2", "text": "楼下装修太吵", "label": {"category": "other", "zone": None, "severity": "general",
                                                    "valid": False}},
    ])
    first, second = load_corrections(path)
    assert (first.category, first.zone, first.severity) == ("infringement", "none", "general")
    assert second.category == INVALID  # an invalid report trains the invalid class


def test_a_correction_replaces_the_corpus_line_with_the_same_text():
    corpus = [Example("这个网站放枪版电影", "terror_violence", "none", "important", "c:1"),
              Example("别的", "fraud", "none", "important", "c:2")]
    fixed = with_corrections(corpus, [Example("这个网站放枪版电影", "infringement", "none", "general", "q:1")])
    assert sorted((e.text, e.category) for e in fixed) == [("别的", "fraud"), ("这个网站放枪版电影", "infringement")]


def test_a_correction_with_an_unknown_category_fails_with_its_line(tmp_path):
    path = _write(tmp_path, [{"text": "x", "label": {"category": "spam", "severity": "general", "valid": True}}])
    with pytest.raises(ValueError, match="corrections.jsonl:1"):
        load_corrections(path)

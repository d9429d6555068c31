"""The training corpus: well-formed, covering every label, independent of the dev file."""
import json
from collections import Counter
from pathlib import Path

import pytest

from libs.common.vocabulary import CATEGORIES, ZONES
from services.triage.cases import similarity, text_signature
from services.triage.corpus import INVALID, load_corpus

DEV_FILE = Path(__file__).resolve().parents[4] / "shared" / "data" / "reports-dev.jsonl"


def test_corpus_covers_every_category_zone_and_invalid_reports():
    examples = load_corpus()
    categories = Counter(e.category for e in examples)
    zones = Counter(e.zone for e in examples)
    assert all(categories[c] >= 80 for c in CATEGORIES)
    assert categories[INVALID] >= 80
    assert all(zones[z] >= 15 for z in ZONES)


def test_corpus_has_no_duplicate_lines():
    texts = [e.text for e in load_corpus()]
    assert len(texts) == len(set(texts))


@pytest.mark.skipif(not DEV_FILE.exists(), reason="the shared dev file is not beside the project")
def test_no_corpus_line_is_a_copy_of_an_evaluation_report():
    """The dev file is for evaluation only: nothing in the corpus may be copied from it."""
    dev = [text_signature(json.loads(line)["text"]) for line in DEV_FILE.read_text(encoding="utf-8").splitlines()]
    for example in load_corpus():
        if len(set(example.text)) < 4:  # keyboard mash and repeated characters look alike
            continue
        signature = text_signature(example.text)
        assert max(similarity(signature, d) for d in dev) < 0.3, example.source

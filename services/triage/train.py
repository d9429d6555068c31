"""Train the triage model from corpus/ and write it to model/triage-model.npz.

    python -m services.triage.train            # retrain and write the model
    python -m services.triage.train --check    # 5-fold cross-validation of the whole triage
    python -m services.triage.train --corrections reviewed.jsonl   # corpus + operator corrections

`--corrections` (repeatable) takes JSON lines in the dev file's shape (text and a `label`),
such as a review queue's output; a correction replaces a corpus line with the same text.

Training is deterministic (fixed folds, lbfgs, no random state involved): the same corpus
and library versions give the same arrays. scikit-learn is only imported here, never at
inference time (see model.py for why the model is stored as plain arrays).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from libs.common.events import ReportContent
from libs.common.vocabulary import CATEGORIES
from services.triage.augment import augmented
from services.triage.corpus import (
    INVALID,
    Example,
    corpus_digest,
    corrections_digest,
    load_corpus,
    load_corrections,
    with_corrections,
)
from services.triage.evaluation import Labelled, confusion, summary
from services.triage.model import EMPTY_MODEL, FEATURE_VERSION, LinearHead, TextModel, features, save_model
from services.triage.rules import RULES_DIR, TriageRules, load_rules
from services.triage.textnorm import normalize

C_CATEGORY = 20.0  # inverse regularization; chosen by --check on the corpus
C_ZONE = 20.0
C_URGENCY = 10.0
URGENT_LEVELS = ("major", "emergency")


def head_labels(example: Example) -> dict[str, str]:
    """What each head learns from a corpus line. `urgency` is the line's severity when it is
    major or emergency, else "none": the model's own reading of danger, which the danger
    detector uses beside its term lists (danger.yaml, model signals)."""
    urgency = example.severity if example.severity in URGENT_LEVELS else "none"
    return {"category": example.category, "zone": example.zone, "urgency": urgency}

MIN_DF = 2  # an n-gram seen in one report only is noise, and it doubles the vocabulary


def _feature_lists(examples: Sequence[Example], simplify: dict[int, str]) -> list[list[str]]:
    return [features(normalize(e.text, simplify)) for e in examples]


AUGMENT = True  # train on the corpus and its variants (augment.py); --check measured the gain


def train_model(examples: Sequence[Example], rules: TriageRules) -> TextModel:
    """The model as shipped is trained: augmented when AUGMENT is on (calibration apart)."""
    return fit(examples, rules.simplify, augment_with=names_category(rules) if AUGMENT else None)


def names_category(rules: TriageRules) -> Callable[[str, str], bool]:
    """Whether a text names a term of a category: keeps a terse variant only if it still does."""
    def names(text: str, category: str) -> bool:
        return category == INVALID or bool(rules.lexicon.scan(normalize(text, rules.simplify)).group(f"category:{category}"))
    return names


def fit(examples: Sequence[Example], simplify: dict[int, str], *,
        augment_with: Callable[[str, str], bool] | None = None) -> TextModel:
    """TF-IDF (sublinear, L2) and one multinomial logistic regression per head; with
    `augment_with` (see names_category), trained on the examples and their variants (augment.py)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=lambda feats: feats, sublinear_tf=True, min_df=MIN_DF, dtype=np.float32)
    # The vocabulary and IDF come from the real lines only: a variant repeats its line's
    # n-grams, which would let every one-off n-gram pass min_df.
    vectorizer.fit(_feature_lists(examples, simplify))
    if augment_with is not None:
        examples = augmented(examples, augment_with)
    matrix = vectorizer.transform(_feature_lists(examples, simplify))
    heads = {}
    labelled = [head_labels(e) for e in examples]
    for name, c in (("category", C_CATEGORY), ("zone", C_ZONE), ("urgency", C_URGENCY)):
        labels = [row[name] for row in labelled]
        regression = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        regression.fit(matrix, labels)
        heads[name] = LinearHead(classes=tuple(str(c) for c in regression.classes_),
                                 weights=np.ascontiguousarray(regression.coef_.T, dtype=np.float32),
                                 intercept=regression.intercept_.astype(np.float32))
    vocabulary = {str(f): int(i) for f, i in vectorizer.vocabulary_.items()}
    return TextModel(vocabulary=vocabulary, idf=vectorizer.idf_.astype(np.float32), heads=heads, meta={})


TEMPERATURES = tuple(round(0.25 + 0.05 * i, 2) for i in range(16))  # 0.25 .. 1.0


def _nll(head: LinearHead, rows: list[tuple[np.ndarray, np.ndarray, str]], temperature: float) -> float:
    scaled = dataclasses.replace(head, temperature=temperature)
    return -sum(math.log(max(scaled.probabilities(i, v)[label], 1e-9)) for i, v, label in rows) / max(1, len(rows))


def calibrated(model: TextModel, examples: Sequence[Example], rules: TriageRules, folds: int = 5) -> TextModel:
    """The model with each head's temperature fitted on out-of-fold predictions (lowest
    log-loss on the grid): the probabilities the low-confidence rule reads mean what they say."""
    held: dict[str, list[tuple[LinearHead, np.ndarray, np.ndarray, str]]] = {name: [] for name in model.heads}
    for fold in range(folds):
        part = train_model([e for i, e in enumerate(examples) if i % folds != fold], rules)
        for example in (e for i, e in enumerate(examples) if i % folds == fold):
            idx, values = part.vectorize(features(normalize(example.text, rules.simplify)))
            for name, label in head_labels(example).items():
                if name in part.heads and label in part.heads[name].classes:
                    held[name].append((part.heads[name], idx, values, label))
    heads = {}
    for name, head in model.heads.items():
        rows = held[name]
        best = min(TEMPERATURES, key=lambda t: sum(_nll(h, [(i, v, y)], t) for h, i, v, y in rows))
        heads[name] = dataclasses.replace(head, temperature=best)
    return dataclasses.replace(model, heads=heads)


def _as_report(example: Example) -> ReportContent:
    return ReportContent(report_id=example.source, tracking_no=example.source, channel="web", text=example.text)


def _gold(example: Example) -> Labelled:
    valid = example.category != INVALID
    return Labelled(category=example.category if valid else "other",
                    zone=None if example.zone == "none" else example.zone,
                    severity=example.severity, valid=valid)


def cross_validated(rules: TriageRules, examples: list[Example], folds: int = 5,
                    extra: Sequence[Example] = ()) -> tuple[list[Labelled], list[Labelled]]:
    """Train on k-1 folds (plus `extra`, e.g. corrections), triage the held-out fold with the
    full rules: (gold, predicted) in fold order."""
    from services.triage.decide import triage

    gold, predicted = [], []
    for fold in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != fold] + list(extra)
        held_out = [e for i, e in enumerate(examples) if i % folds == fold]
        fold_rules = dataclasses.replace(rules, model=_with_temperatures(train_model(train, rules), rules.model))
        for example in held_out:
            decision = triage(_as_report(example), fold_rules)
            gold.append(_gold(example))
            predicted.append(Labelled(decision.category, decision.zone, decision.severity, decision.valid))
    return gold, predicted


def _with_temperatures(model: TextModel, shipped: TextModel) -> TextModel:
    """Fold models take the shipped model's temperatures: one number per head, and fitting
    them inside every fold would cost five fits more per fold."""
    heads = {name: dataclasses.replace(head, temperature=shipped.heads[name].temperature)
             if name in shipped.heads else head for name, head in model.heads.items()}
    return dataclasses.replace(model, heads=heads)


def cross_validate(rules: TriageRules, examples: list[Example], folds: int = 5) -> None:
    """Cross-validate and print the figures, the confusion matrix and every miss."""
    gold, predicted = cross_validated(rules, examples, folds)
    for key, value in summary(gold, predicted, CATEGORIES).items():
        print(f"{key:20s} {value:.3f}")
    print(confusion([g.category for g in gold], [p.category for p in predicted], CATEGORIES))
    misses = [(e, p) for e, g, p in zip(examples_in_fold_order(examples, folds), gold, predicted, strict=True)
              if (g.category, g.zone, g.severity, g.valid) != (p.category, p.zone, p.severity, p.valid)]
    for example, p in misses:
        print(f"MISS {example.source}: gold {example.category}/{example.zone}/{example.severity} "
              f"got {p.category}/{p.zone}/{p.severity}/{'valid' if p.valid else 'invalid'} | {example.text[:60]}",
              file=sys.stderr)


def examples_in_fold_order(examples: list[Example], folds: int) -> list[Example]:
    return [e for fold in range(folds) for i, e in enumerate(examples) if i % folds == fold]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="cross-validate instead of writing the model")
    parser.add_argument("--rules", type=Path, default=RULES_DIR)
    parser.add_argument("--corrections", type=Path, action="append", default=[],
                        help="JSON lines of operator corrections (dev-file shape); repeatable")
    args = parser.parse_args(argv)
    rules = load_rules(args.rules, model=EMPTY_MODEL)
    corrections = [e for path in args.corrections for e in load_corrections(path)]
    examples = with_corrections(load_corpus(), corrections)
    if args.check:  # the folds take the shipped model's temperatures, as make eval's do
        shipped = rules.model
        with contextlib.suppress(FileNotFoundError):
            shipped = load_rules(args.rules).model
        cross_validate(dataclasses.replace(rules, model=shipped), examples)
        return 0
    model = calibrated(train_model(examples, rules), examples, rules)
    import sklearn

    model = dataclasses.replace(model, meta={
        "corpus_digest": corpus_digest(), "examples": len(examples), "features": FEATURE_VERSION,
        "sklearn": sklearn.__version__, "corrections": len(corrections),
        "corrections_digest": corrections_digest(args.corrections),
        "temperatures": {name: head.temperature for name, head in model.heads.items()},
    })
    path = (args.rules / rules.classifier.model_file).resolve()
    save_model(path, model)
    print(f"wrote {path}: {len(examples)} examples, {len(model.vocabulary)} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

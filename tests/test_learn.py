"""The learned decider's parts: the linear model, its feature encoding and its saved form."""

from __future__ import annotations

import numpy as np

from paperkg.extraction import Extractor
from paperkg.extraction.learn import LearnedDecider, fit_decider, labels
from paperkg.extraction.learn.linear import encode, fit, vocabulary
from paperkg.extraction.stages import RULES
from paperkg.model import Paper, Source


def test_fit_separates_and_is_deterministic() -> None:
    rows = [["a", "x"], ["a", "y"], ["b", "x"], ["b", "y"]] * 5
    ys = [1, 1, 0, 0] * 5
    vocab = vocabulary(rows, 1)
    enc = encode(rows, vocab)
    m1 = fit(enc, ys, len(vocab), ("no", "yes"), steps=100)
    m2 = fit(enc, ys, len(vocab), ("no", "yes"), steps=100)
    p = m1.scores(encode([["a"], ["b"], ["unknown"]], vocab))
    assert p[0, 1] > 0.9 and p[1, 1] < 0.1
    assert abs(p[2, 1] - 0.5) < 0.2  # no known feature: the bias alone
    assert np.array_equal(m1.weights, m2.weights)


def test_encode_leaves_unknown_features_out_and_sorts() -> None:
    vocab = vocabulary([["f1", "f2"], ["f2", "f3"]], 2)
    assert encode([["f2", "f1", "f2"]], vocab) == [[0]]
    assert encode([["f1"]], vocab) == [[]]


def _papers() -> list[Paper]:
    texts = [
        ("Zorblat: a benchmark", "We introduce Zorblat, a new benchmark. We evaluate GPT-4 on Zorblat."),
        ("Quixel: a model", "We propose Quixel, a new model. Quixel outperforms LLaMA on MMLU."),
    ]
    return [
        Paper(id=f"p{i}", title=t, abstract=a, source=Source("t.jsonl", i + 1))
        for i, (t, a) in enumerate(texts)
    ]


def test_decider_round_trips_through_json() -> None:
    ex = Extractor(decider=RULES, loose=True)
    pcs = list(ex.candidates(_papers()))
    golds = [
        {"id": "p0", "entities": [{"name": "Zorblat", "type": "benchmark", "role": "introduced"}]},
        {"id": "p1", "entities": [{"name": "Quixel", "type": "model", "role": "introduced"}]},
    ]
    assert any(y[0] == 1 for y in labels(pcs[0], golds[0]))
    d = fit_decider(pcs, golds, ex.lex, min_count=1, steps=50)
    back = LearnedDecider.from_json(d.to_json(), ex.lex)
    for pc in pcs:
        a, b = d.decide(pc), back.decide(pc)
        assert [x.keep for x in a] == [x.keep for x in b]
        assert [x.type for x in a] == [x.type for x in b]
        assert all(abs(x.confidence - y.confidence) < 1e-3 for x, y in zip(a, b, strict=True))

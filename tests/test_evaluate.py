from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from paperkg.evaluate import (
    EvalOptions,
    assign_folds,
    cross_validate,
    evaluate_inputs,
    per_type,
    score_papers,
)
from paperkg.model import Paper, Source

GOLD = [
    {
        "id": "a",
        "entities": [
            {"name": "GlowNet", "type": "model", "role": "introduced"},
            {"name": "COCO", "type": "dataset", "role": "used"},
            {"name": "MMBench", "type": "benchmark", "role": "used"},
        ],
        "urls": [{"url": "https://github.com/x/y", "kind": "code"}],
    },
    {"id": "b", "entities": [{"name": "LLaVA-1.5", "type": "model", "role": "used", "aliases": ["LLaVA"]}]},
]
PRED = {
    "a": {
        "entities": [
            {"name": "GlowNet", "type": "model", "role": "used"},
            {"name": "COCO", "type": "benchmark", "role": "used"},
            {"name": "Foo", "type": "dataset", "role": "used"},
        ],
        "urls": [{"url": "https://github.com/x/y/"}],
    },
    "b": {"entities": [{"name": "llava", "type": "model", "role": "used"}]},
}


def test_folds_are_seeded_and_balanced() -> None:
    ids = [f"p{i}" for i in range(23)]
    f = assign_folds(ids, 5, seed=1)
    assert f == assign_folds(list(reversed(ids)), 5, seed=1)
    assert f != assign_folds(ids, 5, seed=2)
    sizes = sorted(list(f.values()).count(k) for k in range(5))
    assert sizes == [4, 4, 5, 5, 5]


def test_per_type_counts() -> None:
    t = per_type(GOLD, PRED)
    assert (t["model"]["tp"], t["model"]["fp"], t["model"]["fn"]) == (2, 0, 0)
    assert (t["dataset"]["tp"], t["dataset"]["fp"], t["dataset"]["fn"]) == (0, 1, 1)
    assert (t["benchmark"]["tp"], t["benchmark"]["fp"], t["benchmark"]["fn"]) == (0, 1, 1)
    res, _ = score_papers(GOLD, PRED)
    assert sum(c["tp"] for c in t.values()) == res["typed"]["tp"]
    assert sum(c["fp"] for c in t.values()) == res["typed"]["fp"]
    assert sum(c["fn"] for c in t.values()) == res["typed"]["fn"]


def test_scores_match_the_referee(shared: Path, tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    pred = tmp_path / "p.jsonl"
    gold.write_text("".join(json.dumps(g) + "\n" for g in GOLD))
    pred.write_text("".join(json.dumps({"id": k, **v}) + "\n" for k, v in PRED.items()))
    script = shared / "bin" / "score_entities.py"
    out = subprocess.run(
        [sys.executable, str(script), "--gold", str(gold), "--pred", str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    ref = json.loads(out.stdout)
    ours, _ = score_papers(GOLD, PRED)
    assert ours == ref


def test_cross_validation_of_the_rules(extractor) -> None:  # type: ignore[no-untyped-def]
    papers = [
        Paper(g["id"], "GlowNet: A Model", "We evaluate LLaVA-1.5 on COCO and MMBench.", Source("m", 1))
        for g in GOLD
    ]
    out = cross_validate(extractor, papers, GOLD, k=2, seed=0)
    assert out["pooled"]["papers"] == 2 and len(out["folds"]) == 2
    assert sum(f["papers"] for f in out["folds"]) == 2
    assert set(out["pooled"]["per_type"]) == {"model", "dataset", "benchmark"}


def test_paper_errors_print_a_heading_and_one_line_per_kind() -> None:
    _, errors = score_papers(GOLD, PRED)
    assert [e.id for e in errors] == ["a"]
    lines = errors[0].lines()
    assert lines[0] == "\n# a"
    assert lines[1:] == [
        "  false_positives: Foo [dataset]",
        "  misses: MMBench [benchmark]",
        "  wrong_type: COCO: benchmark (gold dataset)",
        "  wrong_role: GlowNet: used (gold introduced)",
    ]


def test_evaluate_inputs_scores_and_cross_validates(tmp_path: Path) -> None:
    papers = tmp_path / "p.jsonl"
    gold = tmp_path / "g.jsonl"
    records = [
        {"id": g["id"], "title": "GlowNet: A Model", "abstract": "We evaluate LLaVA-1.5 on COCO and MMBench."}
        for g in GOLD
    ]
    papers.write_text("".join(json.dumps(r) + "\n" for r in records))
    gold.write_text("".join(json.dumps(g) + "\n" for g in GOLD))
    plain = evaluate_inputs([str(papers)], [str(gold)], EvalOptions(decider="rules"))
    assert plain.figures["papers"] == 2 and set(plain.figures["per_type"]) == {
        "model",
        "dataset",
        "benchmark",
    }
    assert plain.lines()[0] == "papers         2"
    cv = evaluate_inputs([str(papers)], [str(gold)], EvalOptions(decider="rules", cv=2, seed=1))
    assert (cv.figures["k"], cv.figures["seed"], len(cv.figures["folds"])) == (2, 1, 2)
    assert cv.lines()[0] == "2-fold cross-validation by paper (seed 1), pooled over the folds:"
    assert [line.split(":")[0] for line in cv.lines()[-2:]] == ["fold 0", "fold 1"]

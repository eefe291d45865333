"""Text outside machine learning names no artifacts: physics, mathematics, astronomy and
chemistry abstracts (tests/fixtures/non_ml, written for this test in the style of arXiv, with
LaTeX math, units, instruments, surveys, theorems and named equations) give at most one entity
per ten abstracts, and never a name holding LaTeX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperkg.extraction.stages import RULES
from paperkg.model import Paper, Source

FIXTURE = Path(__file__).parent / "fixtures" / "non_ml" / "abstracts.jsonl"


def papers() -> list[Paper]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Paper(
            r["id"], r["title"], r["abstract"], Source(str(FIXTURE), i + 1), categories=tuple(r["categories"])
        )
        for i, r in enumerate(rows)
    ]


def test_fixture_is_non_ml_arxiv_style() -> None:
    ps = papers()
    assert len(ps) >= 40
    assert all(p.categories and not any(c.startswith(("cs.", "stat.ML")) for c in p.categories) for p in ps)
    assert sum("$" in p.abstract for p in ps) >= 30  # LaTeX math, as arXiv gives it


@pytest.mark.parametrize("decider", ["rules", "default"])
def test_non_ml_abstracts_yield_next_to_nothing(decider: str) -> None:
    from paperkg.extraction.extractor import Extractor

    ex = Extractor(decider=RULES) if decider == "rules" else Extractor()
    ps = papers()
    results = list(ex.pipe(ps))
    entities = [e for r in results for e in r.entities]
    assert len(entities) / len(ps) <= 0.1, [(e.name, e.type.value) for e in entities]
    assert not [e.name for e in entities if any(ch in e.name for ch in "$\\^_{")]
    assert not [u.url for r in results for u in r.urls]

"""``--jobs``: worker processes give what one process gives; a small input skips the workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from paperkg import parallel
from paperkg.model import Paper, Source

ROOT = Path(__file__).resolve().parents[1]


def papers(n: int) -> list[Paper]:
    return [
        Paper(
            f"p{i}",
            f"Paper {i}: ZorbNet-{i} on MMBench",
            f"We present ZorbNet-{i}, a model trained on the COCO dataset and evaluated on MMBench.",
            Source("x.jsonl", i + 1),
        )
        for i in range(n)
    ]


def test_workers_give_the_extractions_of_one_process(extractor: Any) -> None:
    given = papers(7)
    one = list(extractor.pipe(given))
    # small=0: the workers run even for this input; batches of 3 come back in order
    two = list(parallel.extract_parallel(given, None, 2, batch_size=3, local=extractor, small=0))
    assert two == one


def test_a_small_input_is_extracted_here(extractor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_a: Any, **_k: Any) -> None:
        raise AssertionError("worker processes started for a small input")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    given = papers(5)
    assert list(parallel.extract_parallel(given, None, 2, local=extractor, small=6)) == list(
        extractor.pipe(given)
    )
    with pytest.raises(AssertionError, match="worker processes"):
        list(parallel.extract_parallel(given, None, 2, local=extractor, small=5))

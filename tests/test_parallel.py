"""``--jobs``: worker processes give what one process gives; a small input skips the workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paperkg import parallel
from paperkg.model import Paper, PaperExtraction, Source
from paperkg.spill import unpack

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


def extract_parallel(papers: list[Paper], *args: Any, **kwargs: Any) -> Iterator[PaperExtraction]:
    """The extractions of :func:`parallel.extract_packed`, unpacked."""
    for packed in parallel.extract_packed(papers, *args, **kwargs):
        yield from unpack(packed.data)


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh"])
def test_workers_give_the_extractions_of_one_process(
    extractor: Any, fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    methods: list[str] = []
    real = parallel.ProcessPoolExecutor

    def seen(*a: Any, **k: Any) -> Any:
        methods.append(k["mp_context"].get_start_method())
        return real(*a, **k)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", seen)
    given = papers(7)
    one = list(extractor.pipe(given))
    # small=0: the workers run even for this input; batches of 3 come back in order
    two = list(extract_parallel(given, None, 2, batch_size=3, local=extractor, small=0, fork=fork))
    assert two == one
    # forked workers start with this process's extractor; fresh ones load their own
    assert methods == (["fork"] if fork else ["forkserver"])


def test_forked_workers_collect_garbage_while_this_process_pauses_it(extractor: Any) -> None:
    import gc

    from paperkg.collector import gc_paused

    with (
        gc_paused(),
        parallel.worker_pool(1, None, forked_from=extractor) as pool,
    ):
        assert pool.submit(gc.isenabled).result() is True
        assert gc.isenabled() is False


def test_a_small_input_is_extracted_here(extractor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_a: Any, **_k: Any) -> None:
        raise AssertionError("worker processes started for a small input")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    given = papers(5)
    assert list(extract_parallel(given, None, 2, local=extractor, small=6)) == list(extractor.pipe(given))
    with pytest.raises(AssertionError, match="worker processes"):
        list(extract_parallel(given, None, 2, local=extractor, small=5))


def test_workers_are_replaced_between_generations(extractor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []
    real = parallel.ProcessPoolExecutor

    def counted(*a: Any, **k: Any) -> Any:
        pools.append(1)
        return real(*a, **k)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counted)
    given = papers(9)
    # batches of 2, 2 workers, 1 batch per worker: 5 batches need 3 generations of workers
    got = list(extract_parallel(given, None, 2, batch_size=2, local=extractor, small=0, batches_per_worker=1))
    assert len(pools) == 3
    assert got == list(extractor.pipe(given))


def test_packed_batches_carry_the_votes_of_their_papers(extractor: Any) -> None:
    given = papers(4)
    packed = list(parallel.extract_packed(given, None, 2, batch_size=3, local=extractor))
    assert [p.count for p in packed] == [3, 1]
    names = [v.name for p in packed for v in p.votes]
    assert names == [e.name for x in extractor.pipe(given) for e in x.entities]
    assert "ZorbNet-3" in names

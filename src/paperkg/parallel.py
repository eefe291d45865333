"""Extraction over several processes: batches of papers go to worker processes, each with its own
spaCy pipeline; results come back in input order, with a bounded number of batches in flight so
memory stays flat however long the input is. An input too small to pay for starting the workers
(a few seconds of loading each) is extracted in this process when it has an extractor."""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice

from paperkg.extract import Extractor
from paperkg.graph import gc_paused
from paperkg.model import ExtractedEntity, ExtractedUrl, Paper, PaperExtraction

_worker: Extractor | None = None


def _init(registry: str | None) -> None:
    global _worker
    _worker = Extractor(registry=registry)


# What a worker sends back for a paper: its extraction without the paper, which this process has
# already (a third of the bytes to pickle and unpickle: the abstract and the record's metadata).
Found = tuple[tuple[ExtractedEntity, ...], tuple[ExtractedUrl, ...], str, str]


def _extract_batch(papers: list[Paper]) -> list[Found]:
    assert _worker is not None, "worker not initialized"
    return [(x.entities, x.urls, x.extractor, x.extractor_version) for x in _worker.pipe(papers)]


def _joined(batch: list[Paper], found: Future[list[Found]]) -> Iterator[PaperExtraction]:
    return (PaperExtraction(p, *f) for p, f in zip(batch, found.result(), strict=True))


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(papers)
    while batch := list(islice(it, size)):
        yield batch


# Below this many papers one process is done before the workers have loaded their pipelines
# (1,000 synthetic abstracts: 1.7 s here, against ~2.5 s of start-up per worker, on two cores).
SMALL_INPUT = 3000


def extract_parallel(
    papers: Iterable[Paper],
    registry: str | None,
    jobs: int,
    batch_size: int = 256,
    local: Extractor | None = None,
    small: int = SMALL_INPUT,
) -> Iterator[PaperExtraction]:
    """Like ``Extractor(registry).pipe(papers)``, spread over ``jobs`` processes; with ``local``
    (an extractor of the same registry), fewer than ``small`` papers are extracted by it here."""
    if local is not None:
        it = iter(papers)
        head = list(islice(it, small))
        if len(head) < small:
            yield from local.pipe(head)
            return
        papers = chain(head, it)
    # Workers start from a fresh server process, not a fork of this one: a build --update holds the
    # whole existing graph in memory, which forked workers would each carry.
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    # No cyclic collections while results come in (spaCy runs in the workers, not here): each
    # would go over every extraction received so far.
    with (
        gc_paused(),
        ProcessPoolExecutor(
            max_workers=jobs, mp_context=ctx, initializer=_init, initargs=(registry,)
        ) as pool,
    ):
        pending: deque[tuple[list[Paper], Future[list[Found]]]] = deque()
        for batch in _batches(papers, batch_size):
            pending.append((batch, pool.submit(_extract_batch, batch)))
            while len(pending) >= 2 * jobs:
                yield from _joined(*pending.popleft())
        while pending:
            yield from _joined(*pending.popleft())

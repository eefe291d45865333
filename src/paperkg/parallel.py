"""Extraction over several processes: batches of papers go to worker processes, each with its own
spaCy pipeline; results come back in input order, with a bounded number of batches in flight so
memory stays flat however long the input is. An input too small to pay for starting the workers
(a few seconds of loading each) is extracted in this process when it has an extractor."""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

from paperkg.collector import frozen
from paperkg.extraction import Extractor
from paperkg.model import Paper, PaperExtraction
from paperkg.resolve import Vote, votes
from paperkg.spill import pack

_worker: Extractor | None = None


def _init(registry: str | None) -> None:
    global _worker
    _worker = Extractor(registry=registry)


def _adopt(extractor: Extractor) -> None:
    """A forked worker's start: the parent's extractor is already loaded in its memory."""
    global _worker
    _worker = extractor
    gc.enable()  # the parent may have paused it; what the worker inherited is frozen (not scanned)


def worker_pool(jobs: int, registry: str | None, forked_from: Extractor | None = None) -> ProcessPoolExecutor:
    """A pool of ``jobs`` extraction workers. With ``forked_from`` (and where fork exists) they are
    forked from this process and start at once with that extractor loaded, collecting garbage even
    if this process has paused it; otherwise they start from a fresh server process and each loads
    its own extractor of ``registry``."""
    methods = mp.get_all_start_methods()
    if forked_from is not None and "fork" in methods:
        return ProcessPoolExecutor(
            jobs, mp_context=mp.get_context("fork"), initializer=_adopt, initargs=(forked_from,)
        )
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init, initargs=(registry,))


@dataclass(frozen=True)
class Packed:
    """A batch of extractions as bytes (:func:`paperkg.spill.pack`), with the resolver's votes.

    A worker sends its results this way: this process writes the bytes to the extraction log
    without unpickling them, and reads them back only when it builds the graph."""

    data: bytes
    count: int
    votes: list[Vote]


def _packed(found: list[PaperExtraction]) -> Packed:
    return Packed(pack(found), len(found), list(votes(found)))


def _extract_batch(papers: list[Paper]) -> Packed:
    assert _worker is not None, "worker not initialized"
    return _packed(list(_worker.pipe(papers)))


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(papers)
    while batch := list(islice(it, size)):
        yield batch


# Below this many papers one process is done before the workers have loaded their pipelines
# (1,000 synthetic abstracts: 1.7 s here, against ~2.5 s of start-up per worker, on two cores).
SMALL_INPUT = 3000

# Workers are replaced after this many batches each: spaCy's string store and tokenizer cache grow
# with every new word and are never trimmed (about 600 MB per worker after 500,000 synthetic
# abstracts). A new pair of workers costs ~2.5 s of loading, once per ~100,000 papers with two.
# (Not ProcessPoolExecutor's max_tasks_per_child: on Python 3.11 it can stop replacing workers and
# hang, CPython issue gh-115634.)
BATCHES_PER_WORKER = 200


def extract_packed(
    papers: Iterable[Paper],
    registry: str | None,
    jobs: int,
    batch_size: int = 256,
    local: Extractor | None = None,
    small: int = SMALL_INPUT,
    batches_per_worker: int = BATCHES_PER_WORKER,
    fork: bool = True,
) -> Iterator[Packed]:
    """The extractions of ``papers`` in input order, in packed batches, spread over ``jobs``
    processes; with ``local`` (an extractor of the same registry), fewer than ``small`` papers are
    extracted by it here.

    With ``fork`` and ``local``, the workers are forked from this process, so they start at once
    with ``local`` loaded; pass ``fork=False`` when this process holds much memory that the workers
    do not need (an existing graph), and they start from a fresh server process instead."""
    if local is not None:
        it = iter(papers)
        head = list(islice(it, small))
        if len(head) < small:
            for batch in _batches(head, batch_size):
                yield _packed(list(local.pipe(batch)))
            return
        papers = chain(head, it)
    batches = _batches(papers, batch_size)
    for first in batches:  # one pool per generation of workers
        rest = islice(batches, batches_per_worker * jobs - 1)
        with worker_pool(jobs, registry, local if fork else None) as pool:
            pending: deque[Future[Packed]] = deque()
            with frozen():  # a forking pool starts its workers at the first submit
                pending.append(pool.submit(_extract_batch, first))
            for batch in rest:
                pending.append(pool.submit(_extract_batch, batch))
                while len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

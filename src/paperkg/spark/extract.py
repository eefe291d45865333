"""Extraction on Spark executors: a map over partitions with one extractor per Python worker.

Spark reuses its Python workers from task to task (``spark.python.worker.reuse``, on by default),
so the extractor and the lexicon loaded here stay for the worker's life: a worker loads spaCy once,
not once per partition. Like :mod:`paperkg.parallel`'s workers, a worker's extractor is replaced
after :data:`PAPERS_PER_EXTRACTOR` papers, since spaCy's string store grows with every new word.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from paperkg.extraction import Extractor
from paperkg.extraction.lexicon import Lexicon, load_lexicon
from paperkg.model import PaperExtraction
from paperkg.spark.read import Positioned

#: Papers a worker's extractor reads before it is loaded anew (the parallel build's workers are
#: replaced after 200 batches of 256).
PAPERS_PER_EXTRACTOR = 51_200


@dataclass
class _Worker:
    extractor: Extractor
    papers: int = 0  # read so far


_workers: dict[str | None, _Worker] = {}


def _worker(registry: str | None) -> _Worker:
    """This worker's extractor of ``registry``, loaded anew once it has read its share."""
    found = _workers.get(registry)
    if found is None or found.papers >= PAPERS_PER_EXTRACTOR:
        found = _workers[registry] = _Worker(Extractor(registry=registry))
    return found


@lru_cache(maxsize=4)
def worker_lexicon(registry: str | None) -> Lexicon:
    """This worker's lexicon of ``registry`` (the resolver's, without a spaCy pipeline)."""
    return load_lexicon(registry)


def extract_partition(
    registry: str | None, items: Iterator[Positioned]
) -> Iterator[tuple[int, PaperExtraction]]:
    """Each paper's extraction (before corpus-level typing), by position, in the partition's order."""
    worker = _worker(registry)
    ours, theirs = itertools.tee(items)  # the extractor reads a batch ahead of what it gives back
    for (pos, _), ext in zip(ours, worker.extractor.pipe(p for _, p in theirs), strict=True):
        worker.papers += 1
        yield pos, ext

"""Corpus-level typing and name resolution on Spark: the resolver's votes as an aggregation.

On one machine, :class:`paperkg.resolve.Resolver` takes every entity of every paper as a
:class:`~paperkg.resolve.Vote` (its name, aliases, type, and how strongly the paper typed it), in
the order of the papers, and then answers each entity's canonical form: one node per name, typed by
the weight of its evidence over the corpus, with acronyms joined to their long forms. What it keeps
grows with the distinct names, not with the papers: per name, a count per spelling, the weight of
each type, the strongest typing seen, and which spelling was seen first (ties go to it).

Here each partition tallies its votes (per distinct vote: how often it was cast, and where first:
the paper's position and the entity's number in it) and Spark sums the tallies with
``reduceByKey``. The driver collects them, one row per distinct vote (a few per distinct name), and
hands them to a Resolver in the order of their first casting, each as often as it was cast. The
Resolver then holds what the single-machine run leaves in it, order of spellings included: a
spelling is first seen in the first-cast of the distinct votes that carry it. The driver's memory
holds the distinct votes; its work is one resolver call per vote cast (about 5 us each).

The resolver reaches the executors as a broadcast of its pickle without its lexicon (registry
entries are interned and do not pickle; each worker loads its own lexicon) and is unpickled once per
worker (:class:`SharedResolver`).
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Any

from paperkg.extraction.lexicon import Lexicon
from paperkg.model import PaperExtraction
from paperkg.resolve import Resolver, Vote, votes
from paperkg.spark.extract import worker_lexicon

#: (times cast, first cast as (paper position, entity number in the paper))
Tally = tuple[int, tuple[int, int]]
_LEXICON = "lexicon"


def tally_partition(items: Iterator[tuple[int, PaperExtraction]]) -> Iterator[tuple[Vote | None, Tally]]:
    """The tallies of a partition's votes; under the key None, its number of papers."""
    found: dict[Vote, Tally] = {}
    papers = 0
    for pos, ext in items:
        papers += 1
        for i, vote in enumerate(votes((ext,))):
            here = (pos, i)
            old = found.get(vote)
            found[vote] = (1, here) if old is None else (old[0] + 1, min(old[1], here))
    yield None, (papers, (-1, -1))
    yield from found.items()


def add_tallies(a: Tally, b: Tally) -> Tally:
    return a[0] + b[0], min(a[1], b[1])


def corpus_resolver(lex: Lexicon, tallies: Iterable[tuple[Vote, Tally]]) -> Resolver:
    """A resolver holding what the single-machine run's holds after the same corpus."""
    resolver = Resolver(lex)
    for vote, (times, _first) in sorted(tallies, key=lambda vt: vt[1][1]):
        resolver.add_votes(repeat(vote, times))
    return resolver


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, lex: Lexicon) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.lex = lex

    def persistent_id(self, obj: Any) -> str | None:
        return _LEXICON if obj is self.lex else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, lex: Lexicon) -> None:
        super().__init__(file)
        self.lex = lex

    def persistent_load(self, pid: Any) -> Lexicon:
        if pid != _LEXICON:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self.lex


class SharedResolver:
    """A resolver as a broadcast carries it: its pickle without the lexicon, and the registry the
    worker's lexicon is loaded from. :meth:`get` unpickles it once per worker."""

    def __init__(self, resolver: Resolver, registry: str | None) -> None:
        buf = io.BytesIO()
        _Pickler(buf, resolver.lex).dump(resolver)
        self.data = buf.getvalue()
        self.registry = registry
        self._resolver: Resolver | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"data": self.data, "registry": self.registry}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.data = state["data"]
        self.registry = state["registry"]
        self._resolver = None

    def get(self) -> Resolver:
        if self._resolver is None:
            found = _Unpickler(io.BytesIO(self.data), worker_lexicon(self.registry)).load()
            assert isinstance(found, Resolver)
            self._resolver = found
        return self._resolver

"""Python's cyclic garbage collector, kept away from objects that never form cycles.

A build makes millions of small objects (graph records, extractions read back from disk), none of
them in a cycle. Each batch of new objects triggers a collection, and the oldest generation's
collections go over every object there is: the loaded spaCy pipeline, the resolver's tables and
the graph itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block (nested blocks are fine).

    Building or reading a large graph spends 30-45% of its time in collections otherwise (10k
    papers), reading extractions back from disk about half of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Every object of this process moved out of the collector's reach for the block
    (:func:`gc.freeze`): a child forked in it never scans them, so it does not copy the pages of
    objects it never uses (the collector writes to every object it visits)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

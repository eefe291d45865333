"""The collector helpers: paused for a block (and restored after), objects frozen for a fork."""

from __future__ import annotations

import gc
from typing import ClassVar

from paperkg.collector import frozen, gc_paused
from paperkg.model import Paper, PaperExtraction, Source
from paperkg.spill import pack, unpack


def test_a_pause_nests_and_gives_back_the_state_it_found() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not turn it back on
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_objects_are_frozen_only_inside_the_block() -> None:
    before = gc.get_freeze_count()
    with frozen():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == before


class _Probe:
    """Records whether the collector is on when pickle rebuilds it."""

    seen: ClassVar[list[bool]] = []

    def __setstate__(self, state: object) -> None:
        _Probe.seen.append(gc.isenabled())


def test_a_batch_is_read_back_with_the_collector_paused_and_then_on_again() -> None:
    batch = [PaperExtraction(Paper(f"p{i}", "T", "A", Source("x", i)), (), (), "t", "1") for i in range(3)]
    probe = _Probe()
    probe.x = 1  # type: ignore[attr-defined]  # a state to set, so pickle calls __setstate__
    assert unpack(pack(batch)) == batch
    unpack(pack([probe]))  # type: ignore[list-item]
    assert _Probe.seen == [False]
    assert gc.isenabled()

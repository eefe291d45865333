"""The extraction log and the text spool: data on disk during a build, read back unchanged."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from paperkg.model import Paper, PaperExtraction, Source
from paperkg.spill import ExtractionLog, Spooled, TextSpool, pack


def extraction(i: int) -> PaperExtraction:
    p = Paper(f"p{i}", f"Title {i}", f"Abstract {i} on COCO.", Source("x.jsonl", i + 1))
    return PaperExtraction(p, (), (), "test", "1")


def test_a_log_gives_back_what_went_in_in_order_and_again() -> None:
    given = [extraction(i) for i in range(11)]
    with ExtractionLog(batch=4) as log:
        log.extend(given[:5])
        log.append_packed(pack(given[5:8]), 3)  # a worker's batch between two of this process's
        log.extend(given[8:])
        assert len(log) == 11
        assert list(log) == given
        assert list(log) == given  # a second reading is the same


def test_appending_after_a_reading_adds_to_the_end() -> None:
    log = ExtractionLog(batch=100)
    log.append(extraction(0))
    assert [x.paper.id for x in log] == ["p0"]
    log.append(extraction(1))
    assert [x.paper.id for x in log] == ["p0", "p1"]


def test_a_mapped_log_applies_its_function_at_each_reading() -> None:
    calls: list[str] = []

    def retitle(x: PaperExtraction) -> PaperExtraction:
        calls.append(x.paper.id)
        return replace(x, paper=replace(x.paper, title=x.paper.title.upper()))

    log = ExtractionLog(batch=2)
    log.extend(extraction(i) for i in range(3))
    view = log.mapped(retitle)
    assert len(view) == 3
    assert [x.paper.title for x in view] == ["TITLE 0", "TITLE 1", "TITLE 2"]
    assert [x.paper.title for x in log] == ["Title 0", "Title 1", "Title 2"]
    assert calls == ["p0", "p1", "p2"]


def test_the_extractions_are_on_disk_not_in_memory(tmp_path: Any) -> None:
    log = ExtractionLog(directory=str(tmp_path), batch=10)
    log.extend(extraction(i) for i in range(25))
    list(log)
    assert log.buffered == 0  # every batch was written out
    assert log.bytes_on_disk > 0
    assert list(tmp_path.iterdir()) == []  # the file has no name: nothing is left behind
    log.close()


def test_spooled_texts_read_back_the_same_before_and_after_the_buffer_is_written() -> None:
    spool = TextSpool(buffer=64)
    texts = ["an abstract on COCO " * 3, "Ünïcødé — 中文 and emoji 🙂", "", "x" * 200, "tail"]
    handles = [spool.put(t) for t in texts]
    assert spool.buffered == len(b"tail")  # "tail" is still in the buffer
    assert [str(h) for h in handles] == texts
    assert [str(h) for h in reversed(handles)] == texts[::-1]
    assert spool.bytes_on_disk == sum(len(t.encode()) for t in texts)
    spool.close()


def test_a_spooled_text_is_held_by_a_small_handle_not_in_memory(tmp_path: Any) -> None:
    spool = TextSpool(directory=str(tmp_path), buffer=1)
    h = spool.put("a" * 100_000)
    assert isinstance(h, Spooled) and spool.buffered == 0
    assert h.__sizeof__() + h.ref.__sizeof__() < 100
    assert list(tmp_path.iterdir()) == []  # unnamed: nothing is left behind
    assert str(h) == "a" * 100_000

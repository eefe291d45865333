"""A bad byte costs a character, not a paper: invalid UTF-8 is replaced by U+FFFD in every text reader."""

from __future__ import annotations

import io

import pytest

from paperkg.model import Paper, Rejection
from paperkg.readers import READERS, Warnings
from paperkg.readers.base import Utf8Repair


def run(reader: str, data: bytes) -> tuple[list[Paper | Rejection], Warnings]:
    w = Warnings([])
    got = list(READERS[reader](io.BufferedReader(io.BytesIO(data)), "mem", w))  # type: ignore[arg-type]
    return got, w


def test_jsonl_keeps_the_record() -> None:
    got, w = run("jsonl", b'{"id": "x", "title": "Caf\xe9", "abstract": "a"}\n{"id": "y", "title": "Ok"}\n')
    assert [p.title for p in got if isinstance(p, Paper)] == ["Caf\ufffd", "Ok"]
    assert w.repaired == ["mem:1: invalid UTF-8 at byte 25 replaced by U+FFFD"]


def test_json_document_keeps_the_record_and_names_the_line() -> None:
    data = b'[\n {"id": "a", "title": "Fine"},\n {"id": "b",\n  "title": "Na\xefve \xff"}\n]\n'
    got, w = run("json", data)
    assert [p.title for p in got if isinstance(p, Paper)] == ["Fine", "Na\ufffdve \ufffd"]
    assert w.repaired == ["mem:4: invalid UTF-8 at byte 14 (and 1 more) replaced by U+FFFD"]


def test_json_document_bad_byte_across_chunk_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    from paperkg.readers import jsondoc

    monkeypatch.setattr(jsondoc, "READ_CHUNK", 7)
    got, w = run("json", '[{"title": "Zo\u00eb"}, {"title": "B\xe9"}]'.encode("utf-8")[:-5] + b'\xe9"}]')
    assert [p.title for p in got if isinstance(p, Paper)] == ["Zo\u00eb", "B\ufffd"]
    assert len(w.repaired) == 1


def test_page_text_keeps_the_paper() -> None:
    abstract = b"We describe a method at length " * 8
    got, w = run("hf-page", b"Good \xc3\x28 Title\n\n" + abstract + b"\n")
    assert [p.title for p in got if isinstance(p, Paper)] == ["Good \ufffd( Title"]
    assert w.repaired == ["mem:1: invalid UTF-8 at byte 5 replaced by U+FFFD"]


def test_decoder_matches_errors_replace_and_keeps_split_sequences() -> None:
    data = "é€😀".encode() + b"\xff\xc3" + b"\n" + b"\xed\xa0\x80x"
    d = Utf8Repair()
    out = "".join(d.decode(data[i : i + 1]) for i in range(len(data))) + d.decode(b"", final=True)
    assert out == data.decode("utf-8", errors="replace")
    assert [(b.line, b.byte) for b in d.bad] == [(1, 9), (1, 10), (2, 0), (2, 1), (2, 2)]

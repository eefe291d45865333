"""Property tests: the readers and the extractor never crash on hostile input, and no good record is lost.

Kept under a minute in all: small ``max_examples`` for the slow properties, ``deadline=None``.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperkg.model import Field, Paper, Rejection, Source
from paperkg.pipeline import PaperIndex, Summary, read_papers
from paperkg.readers import READERS, InputError, Warnings, detect_format, read_input
from paperkg.readers.base import MAX_LINE_BYTES, MAX_TITLE_CHARS
from paperkg.readers.jsonrec import record_to_paper

ABSTRACT = (
    "We present a model that does several things well on many benchmarks and datasets, and we "
    "describe in detail how it was trained and evaluated on public data in a reproducible way."
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Characters that break naive text handling: RTL marks, zero-width, combining, emoji, NUL, controls.
NASTY = st.sampled_from(
    [
        "\u202e",
        "\u202d",
        "\u200f",
        "\u200b",
        "\u200c",
        "\u200d",
        "\ufeff",
        "\u0301",
        "\u0336",
        "🤖",
        "\x00",
        "\r",
        "\n",
        "\t",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x85",
        "\u2028",
        "\u2029",
        "\ufffd",
        "\U0010ffff",
        "ﬁ",
        "İ",
        "ß",
        "Ⅻ",
        "“",
        "\\",
        '"',
        "<",
        "&",
        "`",
        "'",
    ]
)
WORDS = st.sampled_from(
    ["LLaVA-1.5", "MMBench", " ", "we introduce ", "(", ")", "👩‍🔬", "🇫🇷", "https://github.com/x/y"]
)
TEXT = st.text(alphabet=st.one_of(st.characters(exclude_categories=("Cs",)), NASTY), max_size=400) | st.lists(
    NASTY | WORDS, max_size=60
).map("".join)
#: Lone surrogates, encoded the only way UTF-8 bytes can carry them: invalid sequences.
BAD_UTF8 = st.sampled_from(
    [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xff", b"\xc3", b"\xe2\x82", b"\xf4\x90\x80\x80"]
)


def _run(reader: str, data: bytes) -> list[Paper | Rejection]:
    stream = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    return list(READERS[reader](stream, "mem", Warnings([])))


def _read_all(data: bytes) -> list[Paper | Rejection]:
    """What the readers make of ``data``, picking the reader the way ``read_input`` does."""
    try:
        fmt = detect_format("mem", data[: 64 * 1024])
        return _run(fmt, data)
    except InputError:
        return []


def _check_items(items: list[Paper | Rejection]) -> None:
    for it in items:
        if isinstance(it, Paper):
            assert isinstance(it.title, str) and isinstance(it.abstract, str)
            assert "\x00" not in it.title and "\x00" not in it.abstract
            assert len(it.title) <= MAX_TITLE_CHARS
            it.title.encode("utf-8")  # no lone surrogate survives
            it.abstract.encode("utf-8")
            for a in it.authors:
                a.encode("utf-8")
        else:
            assert isinstance(it, Rejection) and it.reason and it.line >= 1


# ---------------------------------------------------------------- readers on hostile bytes and text
@FAST
@given(st.binary(max_size=2000))
def test_readers_never_crash_on_random_bytes(data: bytes) -> None:
    for reader in READERS:
        with contextlib.suppress(InputError):
            _check_items(_run(reader, data))
    _check_items(_read_all(data))


@FAST
@given(st.lists(st.one_of(TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), BAD_UTF8), max_size=12))
def test_page_reader_never_crashes_on_hostile_text(chunks: list[bytes]) -> None:
    data = b"May 6\n\n" + b"\n\n".join(chunks) + b"\n\n" + ABSTRACT.encode()
    _check_items(_run("hf-page", data))


@FAST
@given(TEXT, TEXT)
def test_page_reader_keeps_any_title_line(title: str, extra: str) -> None:
    """A one-line title followed by an abstract is a paper, whatever characters the title holds."""
    title_line = " ".join(title.replace("\r", " ").replace("\n", " ").replace("\x85", " ").split())[:300]
    title_line = title_line.replace("\u2028", " ").replace("\u2029", " ")
    data = f"Header\n\n{title_line}\n\n{ABSTRACT} {extra}\n".encode("utf-8", "surrogatepass")
    items = _run("hf-page", data)
    _check_items(items)


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["id", "title", "abstract", "summary", "text", "authors", "authors_parsed", "categories",
          "update_date", "publishedAt", "doi", "githubRepo", "projectPage", "arxiv_id", "paper"]  # fmt: skip


@FAST
@given(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=8))
def test_record_to_paper_accepts_any_json_types(rec: dict[str, Any]) -> None:
    """Every field with any JSON type (title as number/list/object/null, authors as dict...)."""
    item = record_to_paper(rec, "mem", 1, Warnings([]))
    _check_items([item])
    line = json.dumps(rec, ensure_ascii=False).encode("utf-8", "surrogatepass")
    _check_items(_run("jsonl", line + b"\n"))
    _check_items(_run("json", b"[" + line + b"]"))


@FAST
@given(JSON_VALUES)
def test_json_readers_accept_any_json_document(value: Any) -> None:
    data = json.dumps(value).encode()
    for reader in ("jsonl", "json"):
        with contextlib.suppress(InputError):
            _check_items(_run(reader, data))


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([100, 1000, 10_000, 100_000]), st.sampled_from(["[", '{"a":']), st.booleans())
def test_deeply_nested_json_is_a_rejection(depth: int, opener: str, closed: bool) -> None:
    closer = "]" if opener == "[" else "}"
    deep = opener * depth + ("1" if opener != "[" else "") + (closer * depth if closed else "")
    good = json.dumps({"id": "good", "title": "Good", "abstract": ABSTRACT})
    got = _run("jsonl", (deep + "\n" + good + "\n").encode())
    assert [x.id for x in got if isinstance(x, Paper)] == ["good"]
    assert sum(isinstance(x, Rejection) for x in got) == 1
    got = _run("json", ("[" + good + "," + deep + "]").encode())
    assert [x.id for x in got if isinstance(x, Paper)] == ["good"]


def test_ten_megabyte_single_line_is_one_rejection() -> None:
    line = json.dumps({"id": "big", "title": "Big", "abstract": "word " * 2_000_000}).encode()
    assert len(line) > 10_000_000 > MAX_LINE_BYTES
    good = json.dumps({"id": "good", "title": "Good", "abstract": ABSTRACT}).encode()
    got = _run("jsonl", line + b"\n" + good + b"\n")
    assert [type(x).__name__ for x in got] == ["Rejection", "Paper"]
    assert "longer than" in got[0].reason  # type: ignore[union-attr]
    page = b"Big Title\n\n" + b"word " * 2_000_000 + b"\n\nGood Title\n\n" + ABSTRACT.encode() + b"\n"
    got = _run("hf-page", page)
    assert [x.title for x in got if isinstance(x, Paper)] == ["Good Title"]


def _tiny(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(f'{{"id":"t{i}","title":"T{i}","abstract":"a"}}\n')
    return path


def test_hundred_thousand_tiny_records_stream_fast(tmp_path: Path) -> None:
    n = 100_000
    src = _tiny(tmp_path / "tiny.jsonl", n)
    summary, index = Summary(), PaperIndex()
    t0 = time.perf_counter()
    count = sum(1 for _ in read_papers([str(src)], summary, index))
    elapsed = time.perf_counter() - t0
    assert count == summary.papers == summary.records_read == n
    assert summary.reconciles()
    assert elapsed < 30, f"{elapsed:.1f}s for {n:,} records"


def test_tiny_records_memory_is_bounded(tmp_path: Path) -> None:
    """Readers stream: the peak is the duplicate index (a few short strings per paper), not the file."""
    n = 20_000
    src = _tiny(tmp_path / "tiny.jsonl", n)
    size = src.stat().st_size
    summary, index = Summary(), PaperIndex()
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_papers([str(src)], summary, index))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < 25 * size, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_big_file_memory_does_not_grow_with_abstracts(tmp_path: Path) -> None:
    """500 records with 10 KB abstracts (5 MB): the peak stays far below the file size."""
    src = tmp_path / "wide.jsonl"
    body = "word " * 2000
    with src.open("w", encoding="utf-8") as f:
        for i in range(500):
            f.write(json.dumps({"id": f"w{i}", "title": f"W{i}", "abstract": body}) + "\n")
    size = src.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_papers([str(src)], Summary(), PaperIndex()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 500
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"


# ---------------------------------------------------------------- every good record is kept
BAD_LINES = {
    "truncated": lambda i: f'{{"id": "bad{i}", "title": "Cut',
    "not_object": lambda i: f"[{i}, 2]" if i % 2 else str(i),
    "no_title": lambda i: json.dumps({"id": f"bad{i}", "abstract": ABSTRACT}),
    "null_title": lambda i: json.dumps({"id": f"bad{i}", "title": None, "abstract": ABSTRACT}),
    "list_title": lambda i: json.dumps({"id": f"bad{i}", "title": ["x"], "abstract": ABSTRACT}),
    "too_deep": lambda i: "[" * 5000 + "]" * 5000,
}
# Kept as papers, repaired (the bad byte becomes U+FFFD) and counted.
REPAIRED_LINES = {
    "invalid_utf8": lambda i: f'{{"id": "fix{i}", "title": "Caf\udce9 {i}", "abstract": "x"}}',
}


@SLOW
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("good"), TEXT),
            st.tuples(st.sampled_from(sorted(BAD_LINES)), st.just("")),
            st.tuples(st.sampled_from(sorted(REPAIRED_LINES)), st.just("")),
        ),
        max_size=40,
    ),
    st.integers(min_value=0, max_value=3),
)
def test_every_good_record_is_kept(tmp_path: Path, mix: list[tuple[str, str]], dups: int) -> None:
    lines: list[bytes] = []
    good_ids = []
    bad = repaired = 0
    for i, (kind, text) in enumerate(mix):
        if kind in REPAIRED_LINES:
            repaired += 1
            good_ids.append(f"fix{i}")
            lines.append(REPAIRED_LINES[kind](i).encode("utf-8", "surrogateescape"))
        elif kind == "good":
            gid = f"good-{i}"
            good_ids.append(gid)
            rec = {"id": gid, "title": f"Good paper {i} {text}", "abstract": text + " " + ABSTRACT}
            lines.append(json.dumps(rec, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        else:
            bad += 1
            lines.append(BAD_LINES[kind](i).encode("utf-8", "surrogateescape"))
    for k in range(min(dups, len(good_ids))):  # the same paper again, by id
        lines.append(json.dumps({"id": good_ids[k], "title": f"Dup {k}", "abstract": ABSTRACT}).encode())
    src = tmp_path / f"mix-{len(lines)}-{bad}-{dups}.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    summary, index = Summary(), PaperIndex()
    papers = list(read_papers([str(src)], summary, index))
    got = {p.id for p in papers}
    assert set(good_ids) <= got
    assert summary.papers == len(papers)
    assert summary.rejected == bad
    assert summary.repaired == repaired
    assert summary.records_read == summary.papers + summary.duplicates + summary.rejected
    assert summary.reconciles()
    if good_ids:
        assert summary.duplicates >= min(dups, len(good_ids))


def test_read_input_counts_match_items(tmp_path: Path) -> None:
    src = tmp_path / "x.jsonl"
    src.write_text(json.dumps({"id": "a", "title": "A", "abstract": ABSTRACT}) + "\n{bad\n")
    items = list(read_input(str(src), Warnings([])))
    assert [type(x).__name__ for x in items] == ["Paper", "Rejection"]


# ---------------------------------------------------------------- the extractor
@pytest.fixture(scope="module")
def shared_extractor(extractor: Any) -> Any:
    return extractor


@settings(SLOW, max_examples=150)
@given(
    TEXT, TEXT, st.sampled_from(["", "We introduce LLaVA-1.5, a new model trained on LAION-5B. ", "MMBench"])
)
def test_extractor_never_raises_and_offsets_slice_the_text(
    shared_extractor: Any, title: str, abstract: str, seed: str
) -> None:
    from paperkg.readers.base import clean_text

    t = clean_text(seed + title) or "Untitled"
    a = clean_text(seed + abstract + " " + seed)
    paper = Paper("p", t, a, Source("mem", 1))
    ext = shared_extractor.extract(paper)
    for e in ext.entities:
        assert e.name
        for m in e.mentions:
            text = paper.title if m.field is Field.TITLE else paper.abstract
            assert 0 <= m.start <= m.end <= len(text)
            assert text[m.start : m.end] == m.text
    for u in ext.urls:
        if u.mention is not None:
            text = paper.title if u.mention.field is Field.TITLE else paper.abstract
            assert text[u.mention.start : u.mention.end] == u.mention.text
    json.dumps(ext.to_json(), ensure_ascii=False).encode("utf-8")

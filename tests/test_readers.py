from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from paperkg.model import Paper, Rejection
from paperkg.readers import READERS, InputError, Warnings, detect_format, read_input
from paperkg.readers.base import arxiv_id, title_id
from paperkg.readers.hfpage import read_hf_page

ABSTRACT = (
    "We present a model that does several things well on many benchmarks and datasets, and we "
    "describe in detail how it was trained and evaluated on public data in a reproducible way."
)


def page(
    *papers: tuple[str, str],
    header: str = "new\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\nMay 6\n\n",
) -> bytes:
    body = "".join(f"{t}\n\n{a}\n\n" for t, a in papers)
    return (header + body).encode("utf-8")


def items(data: bytes, reader: str = "hf-page") -> list[Paper | Rejection]:
    return list(READERS[reader](io.BufferedReader(io.BytesIO(data)), "mem", Warnings([])))  # type: ignore[arg-type]


def test_hf_page_pairs_titles_with_abstracts_and_skips_headers() -> None:
    got = items(page(("Alpha: A Title", ABSTRACT), ("Beta Title", ABSTRACT + " More.")))
    papers = [p for p in got if isinstance(p, Paper)]
    assert [p.title for p in papers] == ["Alpha: A Title", "Beta Title"]
    assert all(p.source.date == "May 6" for p in papers)
    assert papers[0].id == title_id("Alpha: A Title")
    assert papers[0].source.line == 11


def test_hf_page_short_line_without_abstract_is_not_a_paper() -> None:
    data = b"Some Banner\n\nAnother Banner\n\nReal Title\n\n" + ABSTRACT.encode() + b"\n"
    papers = [p for p in items(data) if isinstance(p, Paper)]
    assert [p.title for p in papers] == ["Real Title"]


def test_hf_page_orphan_abstract_is_reported() -> None:
    data = b"Title One\n\n" + ABSTRACT.encode() + b"\n\n" + ABSTRACT.encode() + b"\n"
    got = items(data)
    assert isinstance(got[0], Paper)
    assert isinstance(got[1], Rejection) and "no title" in got[1].reason


def test_hf_page_invalid_utf8_costs_a_character_not_the_paper() -> None:
    data = b"Title One\n\n" + ABSTRACT.encode() + b"\n\nBad \xff\xfe title\n\n" + ABSTRACT.encode() + b"\n"
    w = Warnings([])
    got = list(read_hf_page(io.BufferedReader(io.BytesIO(data)), "mem", w))  # type: ignore[arg-type]
    assert [p.title for p in got if isinstance(p, Paper)] == ["Title One", "Bad \ufffd\ufffd title"]
    assert not [r for r in got if isinstance(r, Rejection)]
    assert w.repaired == ["mem:5: invalid UTF-8 at byte 4 replaced by U+FFFD"]


def test_jsonl_keeps_good_records_and_rejects_bad_ones() -> None:
    lines = [
        json.dumps({"id": "a1", "title": "Good One", "abstract": "x"}),
        '{"id": "a2", "title": "Truncated',
        json.dumps([1, 2]),
        json.dumps({"id": "a3", "abstract": "no title"}),
        json.dumps({"id": "a4", "title": "Good Two", "text": "y"}),
    ]
    got = items(("\n".join(lines) + "\n").encode(), "jsonl")
    assert [p.id for p in got if isinstance(p, Paper)] == ["a1", "a4"]
    reasons = {r.line: r.reason for r in got if isinstance(r, Rejection)}
    assert set(reasons) == {2, 3, 4}
    assert "invalid JSON" in reasons[2]
    assert "expected a JSON object" in reasons[3]
    assert "no title" in reasons[4]


def test_arxiv_snapshot_record_with_an_authors_string() -> None:
    rec = {
        "id": "2310.12345",
        "title": "Some\n  Wrapped Title",
        "abstract": "  An abstract\n wrapped. ",
        "authors": "A. One, B. Two and C. Three",
        "categories": "cs.CV cs.CL",
        "update_date": "2023-10-20",
        "doi": "10.1234/XYZ",
    }
    (p,) = items(json.dumps(rec).encode() + b"\n", "jsonl")
    assert isinstance(p, Paper)
    assert p.id == "2310.12345" and p.arxiv_id == "2310.12345"
    assert p.title == "Some Wrapped Title" and p.abstract == "An abstract wrapped."
    assert p.authors == ("A. One", "B. Two", "C. Three")
    assert p.categories == ("cs.CV", "cs.CL")
    assert p.source.date is None  # the snapshot is no listing
    assert p.updated == "2023-10-20"
    assert p.doi == "10.1234/xyz"  # normalized by identity.doi


def test_hf_api_array_streams_elements() -> None:
    data = [
        {
            "paper": {
                "id": "2401.00001",
                "title": "T1",
                "summary": "S1",
                "publishedAt": "2024-01-02T00:00:00Z",
                "authors": [{"name": "X"}],
                "githubRepo": "https://github.com/a/b",
            }
        },
        {"paper": {"id": "2401.00002v2", "title": "T2", "summary": "S2"}},
    ]
    got = items(json.dumps(data, indent=1).encode(), "json")
    assert [p.id for p in got if isinstance(p, Paper)] == ["2401.00001", "2401.00002"]
    assert got[0].links == ("https://github.com/a/b",)
    assert got[0].published == "2024-01-02"
    assert got[0].source.date is None  # no submittedOnDailyAt: no listing day


def test_json_array_truncated_keeps_earlier_records() -> None:
    data = b'[{"id": "1", "title": "A", "abstract": "a"}, {"id": "2", "title": "B", "abs'
    got = items(data, "json")
    assert isinstance(got[0], Paper)
    assert isinstance(got[-1], Rejection)


def test_detect_format() -> None:
    assert detect_format("x.jsonl", b'{"a": 1}\n') == "jsonl"
    assert detect_format("x.json", b"[{}]") == "json"
    assert detect_format("x.txt", b"new\n\nTitle") == "hf-page"
    assert detect_format("x", b'{"id": 1}\n{"id": 2}\n') == "jsonl"
    assert detect_format("x.json", b'{\n  "id": 1\n}') == "json"
    with pytest.raises(InputError, match="binary"):
        detect_format("x.bin", b"\x00\x01\x02garbage")


def test_read_input_gzip_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "p.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as g:
        g.write(json.dumps({"id": "z", "title": "Zed", "abstract": "a"}) + "\n")
    assert [p.id for p in read_input(str(f), Warnings([]))] == ["z"]
    with pytest.raises(InputError, match="no such file"):
        list(read_input(str(tmp_path / "missing.txt"), Warnings([])))
    with pytest.raises(InputError, match="directory"):
        list(read_input(str(tmp_path), Warnings([])))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        list(read_input(str(empty), Warnings([])))


def test_overlong_abstract_is_truncated_with_warning() -> None:
    from paperkg.readers.base import MAX_ABSTRACT_CHARS

    w = Warnings([])
    rec = {"id": "long", "title": "Long", "abstract": "word " * (MAX_ABSTRACT_CHARS // 2)}
    (p,) = list(READERS["jsonl"](io.BufferedReader(io.BytesIO(json.dumps(rec).encode())), "mem", w))  # type: ignore[arg-type]
    assert len(p.abstract) == MAX_ABSTRACT_CHARS
    assert w.messages and "truncated" in w.messages[0]


def test_arxiv_id_forms() -> None:
    assert arxiv_id("2310.12345v3") == "2310.12345"
    assert arxiv_id("arXiv:2310.12345") == "2310.12345"
    assert arxiv_id("hep-th/9901001") == "hep-th/9901001"
    assert arxiv_id("d0001") is None


def test_sample_pages(shared: Path) -> None:
    seen: set[str] = set()
    total = 0
    for f in sorted((shared / "samples").glob("*.txt")):
        got = list(read_hf_page(open(f, "rb"), str(f), Warnings([])))  # noqa: SIM115
        assert all(isinstance(p, Paper) for p in got)
        total += len(got)
        seen.update(p.id for p in got)  # type: ignore[union-attr]
    assert total == 281
    assert len(seen) == 237

"""JSON documents read one record at a time (readers/jsondoc.py), wrapped lists, unknown inputs."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest

from paperkg.model import Paper, Rejection
from paperkg.readers import READERS, InputError, Warnings, detect_format, read_input

FIX = Path(__file__).parent / "fixtures" / "readers"


def run(data: bytes, reader: str = "json") -> list[Paper | Rejection]:
    return list(READERS[reader](io.BufferedReader(io.BytesIO(data)), "mem", Warnings([])))  # type: ignore[arg-type]


def test_papers_wrapper_ignores_other_members() -> None:
    got = list(read_input(str(FIX / "papers_wrapper.json"), Warnings([])))
    assert [(p.id, p.ids) for p in got if isinstance(p, Paper)] == [("rg-1", ("id:rg-1",))]
    assert len(got) == 1


@pytest.mark.parametrize("key", ["papers", "data", "results", "items"])
def test_each_wrapper_key(key: str) -> None:
    doc = {"meta": {"count": 2}, key: [{"id": "a", "title": "A", "abstract": "x"}, {"id": "b", "title": "B"}]}
    got = run(json.dumps(doc, indent=2).encode())
    assert [p.title for p in got if isinstance(p, Paper)] == ["A", "B"]


def test_a_record_holding_a_data_list_stays_one_record() -> None:
    doc = {"title": "Has Data", "abstract": "An abstract.", "data": [{"x": 1}]}
    (p,) = run(json.dumps(doc, indent=2).encode())
    assert isinstance(p, Paper) and p.title == "Has Data"


def test_wrapped_list_streams(tmp_path: Path) -> None:
    src = tmp_path / "page.json"
    body = "word " * 1000
    with src.open("w", encoding="utf-8") as f:
        f.write('{"meta": {"count": 3000},\n "results": [\n')
        f.write(
            ",\n".join(json.dumps({"id": f"r{i}", "title": f"R{i}", "abstract": body}) for i in range(3000))
        )
        f.write("\n]}\n")
    size = src.stat().st_size
    tracemalloc.start()
    try:
        n = sum(1 for p in read_input(str(src), Warnings([])) if isinstance(p, Paper))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 3000
    # a few 1 MiB chunks at most, however long the list
    assert size > 15_000_000 and peak < 6 * 1024 * 1024, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_truncated_wrapper_keeps_earlier_records() -> None:
    got = run(b'{"data": [{"id": "1", "title": "A"}, {"id": "2", "title": "B", "abs')
    assert isinstance(got[0], Paper) and isinstance(got[-1], Rejection)


def test_object_with_no_paper_fields_is_refused_in_one_line() -> None:
    with pytest.raises(InputError) as exc:
        run(json.dumps({"name": "config", "settings": {"a": 1}}, indent=2).encode())
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith("mem: not a paper listing: a JSON object with no paper fields")
    for fmt in (
        "Hugging Face page text",
        "arXiv snapshot",
        "OpenAlex",
        "Semantic Scholar",
        "JSON Feed",
        "Atom",
    ):
        assert fmt in msg


def test_record_with_a_title_in_no_known_shape_is_a_plain_record() -> None:
    (p,) = run(json.dumps({"title": "Odd Shape", "whatever": [1, 2]}, indent=2).encode())
    assert isinstance(p, Paper) and p.title == "Odd Shape"


def test_top_level_scalar_names_the_formats() -> None:
    with pytest.raises(InputError, match="not a JSON array or object; expected Hugging Face page text"):
        run(b"42")


def test_jsonl_line_holding_a_wrapper_gives_its_records() -> None:
    lines = [json.dumps({"data": [{"paperId": "p1", "title": "One"}, {"paperId": "p2", "title": "Two"}]})] * 2
    got = run(("\n".join(lines) + "\n").encode(), "jsonl")
    assert [(p.title, p.source.line) for p in got if isinstance(p, Paper)] == [
        ("One", 1),
        ("Two", 2),
        ("One", 2),
        ("Two", 2),
    ]


def test_detect_format_new_formats() -> None:
    assert detect_format("q", b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">') == "atom"
    assert detect_format("q", b'<feed xmlns="http://www.w3.org/2005/Atom">') == "atom"
    assert (
        detect_format("f.json", b'{\n  "version": "https://jsonfeed.org/version/1.1",\n  "items": []}')
        == "json-feed"
    )
    assert detect_format("p.json", b'{"results": [{"id": "https://openalex.org/W1"}]}\n') == "json"
    assert detect_format("p.json", b'{"id": "https://openalex.org/W1"}\n{"id": "x"}\n') == "jsonl"
    assert detect_format("page.txt", b"<script>alert(1)</script> a page line\n\n") == "hf-page"

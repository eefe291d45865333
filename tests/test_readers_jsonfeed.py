"""JSON Feed 1.1 (readers/jsonfeed.py): each item a paper."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from paperkg.model import Paper
from paperkg.readers import READERS, InputError, Warnings, detect_format, read_input
from paperkg.readers.jsonfeed import html_to_text

FIX = Path(__file__).parent / "fixtures" / "readers"


def test_fixture_feed_items_are_papers() -> None:
    data = (FIX / "json_feed.json").read_bytes()
    assert detect_format("feed.json", data[:65536]) == "json-feed"
    pebble, fennel, notes = read_input(str(FIX / "json_feed.json"), Warnings([]))
    assert isinstance(pebble, Paper) and isinstance(fennel, Paper) and isinstance(notes, Paper)
    assert pebble.id == pebble.arxiv_id == "2403.01111"  # from an arxiv.org id
    assert (
        pebble.abstract
        == "We propose Pebble, which compresses an agent's memory into a few tokens. Code at GitHub."
    )
    assert pebble.source.date == "2024-03-04"
    assert pebble.authors == ("Sana Qureshi", "Diego Alvarez") and pebble.keywords == ("agents", "memory")
    assert fennel.arxiv_id == "2403.02222"  # from a huggingface.co/papers url
    assert fennel.abstract.startswith("Fennel is a benchmark")
    assert notes.arxiv_id is None and notes.ids == ("feed:post-77",) and notes.id == "feed:post-77"
    assert notes.abstract.startswith("Our notes") and notes.authors == ("Hiro Tanaka",)


def test_minified_feed_on_one_line_is_read_too() -> None:
    feed = json.loads((FIX / "json_feed.json").read_text(encoding="utf-8"))
    line = json.dumps(feed).encode() + b"\n"
    for reader in ("jsonl", detect_format("feed", line)):
        got = list(READERS[reader](io.BufferedReader(io.BytesIO(line)), "mem", Warnings([])))  # type: ignore[arg-type]
        first = next(p for p in got if isinstance(p, Paper))
        assert first.title == "Pebble: Compressing Agents' Memories into Stones"
        assert len(got) == 3


def test_feed_without_items_is_refused_not_an_empty_paper(tmp_path: Path) -> None:
    f = tmp_path / "empty_feed.json"
    f.write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "A feed", "items": "none"})
    )
    with pytest.raises(InputError, match="not a paper listing: a JSON Feed with no items"):
        list(read_input(str(f), Warnings([])))


def test_item_without_title_is_a_rejection() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1",
        "items": [{"id": "1", "content_text": "No title here."}],
    }
    data = json.dumps(feed, indent=1).encode()
    (r,) = READERS["json-feed"](io.BufferedReader(io.BytesIO(data)), "mem", Warnings([]))  # type: ignore[arg-type]
    assert not isinstance(r, Paper) and "no title" in r.reason


def test_html_to_text() -> None:
    assert (
        html_to_text("<p>A &amp; B</p><style>p{}</style><ul><li>one</li><li>two</li></ul>") == "A & B one two"
    )

"""arXiv API Atom feeds (readers/atom.py)."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path

import pytest

from paperkg.model import Paper, Rejection
from paperkg.readers import InputError, Warnings, detect_format, read_input
from paperkg.readers.atom import read_arxiv_atom

FIX = Path(__file__).parent / "fixtures" / "readers"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'


def run(data: bytes, w: Warnings | None = None) -> list[Paper | Rejection]:
    return list(read_arxiv_atom(io.BufferedReader(io.BytesIO(data)), "mem", w or Warnings([])))  # type: ignore[arg-type]


def entry(i: int, title: str = "Title") -> str:
    return (
        f"<entry><id>http://arxiv.org/abs/2101.{i:05d}v1</id><published>2021-01-01T00:00:00Z</published>"
        f"<title>{title} {i}</title><summary>Summary {i}.</summary><author><name>A</name></author></entry>\n"
    )


def test_fixture_feed_fields() -> None:
    assert detect_format("q.xml", (FIX / "arxiv_atom.xml").read_bytes()) == "atom"
    lantern, torus = read_input(str(FIX / "arxiv_atom.xml"), Warnings([]))
    assert isinstance(lantern, Paper) and isinstance(torus, Paper)
    assert lantern.id == lantern.arxiv_id == "2101.00001"
    assert lantern.title == "Lantern Nets: Counting Fireflies with Sparse Attention"
    assert lantern.abstract.startswith("We count invented fireflies") and "\n" not in lantern.abstract
    assert (lantern.published, lantern.updated, lantern.source.date) == ("2021-01-01", "2021-03-15", None)
    assert lantern.authors == ("Ines Carvalho", "Kwame Mensah")
    assert lantern.affiliations == ("University of Nowhere", "Imaginary Institute")
    assert lantern.categories == ("cs.CV", "cs.LG")  # primary first, no repeat
    assert lantern.doi == "10.1234/lantern.2021.7"
    assert torus.id == "hep-th/9901001" and torus.categories == ("hep-th",)


def test_api_error_entry_is_a_rejection_with_its_message() -> None:
    (r,) = read_input(str(FIX / "arxiv_atom_error.xml"), Warnings([]))
    assert isinstance(r, Rejection) and r.reason == "arXiv API error: incorrect id format for 1234.bad"


def test_doctype_and_entities_are_refused_before_parsing() -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>'
    )
    with pytest.raises(InputError, match="document type declaration") as exc:
        run(laughs.encode())
    assert "\n" not in str(exc.value)
    # split across reads, after a comment that mentions a tag
    late = '<?xml version="1.0"?><!-- <feed> -->' + " " * 70_000 + '<!DOCTYPE feed SYSTEM "x.dtd"><feed/>'
    with pytest.raises(InputError, match="document type declaration"):
        run(late.encode())


def test_xml_that_is_not_atom_is_refused_naming_the_formats() -> None:
    with pytest.raises(InputError, match=r"not a paper listing.*JSON Feed or an arXiv Atom feed") as exc:
        run(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    assert "<rss>" in str(exc.value)
    with pytest.raises(InputError, match="not a paper listing"):
        run(b'<?xml version="1.0"?>\n\x01not xml')


def test_broken_xml_keeps_the_entries_before_it() -> None:
    got = run((HEAD + entry(1) + "<entry><title>cut").encode())
    assert isinstance(got[0], Paper) and isinstance(got[-1], Rejection)
    assert "invalid XML" in got[-1].reason


def test_entries_stream_and_are_cleared(tmp_path: Path) -> None:
    src = tmp_path / "big.xml.gz"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        f.write(HEAD)
        for i in range(10_000):
            f.write(entry(i, "A fairly long title " * 5))
        f.write("</feed>\n")
    tracemalloc.start()
    try:
        n = sum(1 for p in read_input(str(src), Warnings([])) if isinstance(p, Paper))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 10_000
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes"


def test_invalid_utf8_in_an_entry_is_repaired() -> None:
    w = Warnings([])
    data = (
        HEAD + entry(1)
    ).encode() + b"<entry><id>http://arxiv.org/abs/2101.00009</id><title>Caf\xe9</title></entry></feed>"
    got = run(data, w)
    assert [p.title for p in got if isinstance(p, Paper)] == ["Title 1", "Caf\ufffd"]
    assert w.repaired == ["mem:4: invalid UTF-8 at byte 57 replaced by U+FFFD"]

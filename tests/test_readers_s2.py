"""Semantic Scholar Graph API papers (readers/s2.py): JSON Lines, API pages, one-line pages."""

from __future__ import annotations

from pathlib import Path

from paperkg.model import Paper
from paperkg.readers import Warnings, detect_format, read_input
from paperkg.readers.jsonrec import record_to_paper

FIX = Path(__file__).parent / "fixtures" / "readers"


def read(name: str) -> list[Paper]:
    got = list(read_input(str(FIX / name), Warnings([])))
    assert all(isinstance(p, Paper) for p in got)
    return got  # type: ignore[return-value]


def test_papers_fields() -> None:
    juniper, saffron = read("s2_papers.jsonl")
    assert juniper.id == juniper.arxiv_id == "2105.07777"
    assert juniper.ids == ("s2:649def34f8be52c8b66281af98ae884c09aef38b",)
    assert juniper.published == "2021-05-17"
    assert juniper.authors == ("Noor Rahman", "Ezra Cohen")
    assert saffron.doi == "10.18653/v1/2020.invented-main.12"
    assert saffron.id == "doi:10.18653/v1/2020.invented-main.12"
    assert saffron.abstract == ""  # abstract null
    assert saffron.published is None  # a year alone is no day


def test_api_pages_pretty_and_on_one_line() -> None:
    assert [p.title for p in read("s2_page.json")] == [p.title for p in read("s2_papers.jsonl")]
    line = (FIX / "s2_search.json").read_bytes()
    assert detect_format("s2_search.json", line) == "json"
    (p,) = read("s2_search.json")
    assert p.title == "Saffron: Translating Between Invented Languages"


def test_arxiv_doi_in_external_ids_is_the_arxiv_id() -> None:
    rec = {"paperId": "abc", "externalIds": {"DOI": "10.48550/arXiv.2301.00002"}, "title": "T", "year": 2023}
    p = record_to_paper(rec, "m", 1, Warnings([]))
    assert isinstance(p, Paper) and p.arxiv_id == "2301.00002" and p.doi is None and p.id == "2301.00002"

"""OpenAlex works (readers/openalex.py): the snapshot's JSON Lines and the API's results pages."""

from __future__ import annotations

from pathlib import Path

from paperkg.model import Paper
from paperkg.readers import Warnings, read_input
from paperkg.readers.jsonrec import record_format
from paperkg.readers.openalex import inverted_abstract, openalex_work

FIX = Path(__file__).parent / "fixtures" / "readers"


def read(name: str) -> list[Paper]:
    got = list(read_input(str(FIX / name), Warnings([])))
    assert all(isinstance(p, Paper) for p in got)
    return got  # type: ignore[return-value]


def test_snapshot_works() -> None:
    driftwood, bramble = read("openalex_works.jsonl")
    assert driftwood.abstract == (
        "We learn maps from invented satellites without labels and release Driftwood-10K, "
        "a set of synthetic tiles."
    )
    assert driftwood.arxiv_id == driftwood.id == "2402.03333"  # from the arXiv DOI
    assert driftwood.doi is None  # an arXiv DOI is not kept as a DOI
    assert driftwood.ids == ("openalex:W4390000001",)
    assert driftwood.published == "2024-02-05"
    assert driftwood.authors == ("Amara Diallo", "Lars Nilsson")
    # institutions' names; an authorship without institutions gives its raw affiliation strings
    assert driftwood.affiliations == ("Invented University", "Nordic Lab of Imaginary Sensing")
    assert driftwood.keywords == ("Satellite Imagery",)  # keywords, not concepts or topics
    assert driftwood.categories == ()
    assert bramble.doi == "10.7717/peerj.4375"
    assert bramble.arxiv_id == "1802.00042"  # from an arXiv location among locations[]
    assert bramble.abstract == ""  # abstract_inverted_index null


def test_api_results_page_streams_its_results() -> None:
    bramble, sorrel = read("openalex_page.json")
    assert bramble.ids == ("openalex:W2741809807",)
    assert sorrel.id == "openalex:W4390000009" and sorrel.arxiv_id is None and sorrel.published is None
    assert sorrel.abstract.startswith("Sorrel defines graph kernels")
    assert sorrel.source.line == 2


def test_inverted_index_and_ids() -> None:
    assert inverted_abstract({"b": [1], "a": [0, 2], "bad": ["x", -1, True]}) == "a b a"
    assert inverted_abstract(None) == ""
    assert openalex_work("https://openalex.org/W123") == "W123"
    assert openalex_work("https://api.openalex.org/works/w9") == "W9"
    assert openalex_work("W12x") is None
    assert record_format({"id": "https://openalex.org/W1", "title": "T"}) == "openalex"

"""arXiv metadata snapshot records (readers/arxiv_snapshot.py), on fixtures/readers/arxiv_snapshot.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

from paperkg.model import Paper
from paperkg.readers import Warnings, read_input
from paperkg.readers.arxiv_snapshot import parsed_authors
from paperkg.readers.jsonrec import record_format, record_to_paper

FIX = Path(__file__).parent / "fixtures" / "readers"


def papers() -> list[Paper]:
    got = list(read_input(str(FIX / "arxiv_snapshot.jsonl"), Warnings([])))
    assert all(isinstance(p, Paper) for p in got)
    return got  # type: ignore[return-value]


def test_authors_parsed_names_are_first_last_suffix_and_affiliations_apart() -> None:
    p = papers()[0]
    assert p.authors == ("Neal J. Evans II", "Bozhidar Z. Iliev", "Ada Kovacs")
    assert p.affiliations == ("Institute for Nuclear Research", "Sofia University")  # deduplicated
    assert not any("Institute" in a for a in p.authors)


def test_parsed_authors_edge_shapes() -> None:
    names, affs = parsed_authors(
        [["Solo"], ["Doe", "", "Jr."], [1, None], "not a list", ["Lee", "Ann", "", ""]]
    )
    assert names == ("Solo", "Doe Jr.", "Ann Lee")
    assert affs == ()


def test_dates_published_from_first_version_updated_from_update_date_no_listing_date() -> None:
    first, second, third = papers()
    assert (first.published, first.updated, first.source.date) == ("2007-04-02", "2008-11-13", None)
    assert (second.published, second.updated) == ("2023-10-06", "2023-10-09")
    assert third.published is None and third.updated == "2006-11-30"  # no versions listed


def test_doi_normalized_arxiv_doi_is_the_arxiv_id_and_other_dois_kept_in_ids() -> None:
    first, second, third = papers()
    assert first.doi == "10.1234/ija.2008.0034"
    assert first.ids == ("doi:10.5555/second.copy",)
    assert second.doi is None and second.arxiv_id == "2310.04567" and second.id == "2310.04567"
    assert third.id == third.arxiv_id == "math/0611999"


def test_title_wrapping_collapsed_categories_split() -> None:
    first = papers()[0]
    assert first.title == "Calibrating Spectral Lines of Imaginary Protostars with a Toy Radiative Model"
    assert first.categories == ("astro-ph", "hep-th")
    assert first.abstract.startswith("We calibrate") and "\n" not in first.abstract


def test_snapshot_is_recognized_by_its_fields() -> None:
    rec = json.loads((FIX / "arxiv_snapshot.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record_format(rec) == "arxiv-snapshot"
    assert record_format({"title": "T", "update_date": "2020-01-01"}) == "arxiv-snapshot"
    p = record_to_paper(
        {"id": "2001.00001", "title": "T", "versions": [{"created": "garbage"}]}, "m", 1, Warnings([])
    )
    assert isinstance(p, Paper) and p.published is None

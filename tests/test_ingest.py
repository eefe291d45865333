"""Paper identity over all inputs (paperkg.ingest, paperkg.identity): which records are one paper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperkg.identity import arxiv_id, doi, doi_arxiv_id, paper_id
from paperkg.ingest import PaperIndex
from paperkg.model import Paper, Source
from paperkg.pipeline import Summary, read_papers

ABSTRACT = (
    "We study a question of some interest and describe a method in enough words to be read as an "
    "abstract by every reader of the listing formats that paperkg knows about."
)


def _jsonl(path: Path, records: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def _read(*paths: str) -> tuple[list[Paper], Summary]:
    summary = Summary()
    papers = list(read_papers(list(paths), summary, PaperIndex()))
    assert summary.reconciles()
    return papers, summary


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2101.00001", "2101.00001"),
        ("2101.00001v2", "2101.00001"),
        ("arXiv:2101.00001", "2101.00001"),
        ("https://arxiv.org/abs/2101.00001v3", "2101.00001"),
        ("http://arxiv.org/pdf/2101.00001v1.pdf", "2101.00001"),
        ("10.48550/arXiv.2101.00001", "2101.00001"),
        ("https://huggingface.co/papers/2101.00001", "2101.00001"),
        ("math-ph/0510026v2", "math-ph/0510026"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("W2741809807", None),
        ("", None),
    ],
)
def test_arxiv_ids_in_every_spelling(value: str, expected: str | None) -> None:
    assert arxiv_id(value) == expected


def test_dois_are_normalized_and_arxiv_dois_are_arxiv_ids() -> None:
    assert doi("https://doi.org/10.1145/3442188.3445922") == "10.1145/3442188.3445922"
    assert doi("doi:10.1000/ABC") == "10.1000/abc"
    assert doi("not a doi") is None
    assert doi_arxiv_id("https://doi.org/10.48550/arXiv.2304.09999") == "2304.09999"
    assert doi_arxiv_id("10.1000/abc") is None


def test_paper_id_ranks_arxiv_then_record_id_then_doi() -> None:
    assert paper_id("2101.00001", "10.1/x", ["id:P1"], "T") == "2101.00001"
    assert paper_id(None, "10.1/x", ["id:P2", "id:P1"], "T") == "P1"
    assert paper_id(None, "10.1/x", ["openalex:W1"], "T") == "doi:10.1/x"
    assert paper_id(None, None, ["s2:abc", "openalex:W1"], "T") == "openalex:W1"
    assert paper_id(None, None, [], "A Title").startswith("t-")


def test_different_ids_with_one_title_are_two_papers(tmp_path: Path) -> None:
    f = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "2101.00001", "title": "Deep Learning for Image Classification", "abstract": ABSTRACT},
            {"id": "2304.09999", "title": "Deep learning for image classification", "abstract": ABSTRACT},
        ],
    )
    papers, summary = _read(f)
    assert sorted(p.id for p in papers) == ["2101.00001", "2304.09999"]
    assert (summary.papers, summary.duplicates) == (2, 0)


def test_versions_urls_and_arxiv_dois_are_one_paper(tmp_path: Path) -> None:
    f = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "2101.00001", "title": "One Paper", "abstract": ABSTRACT},
            {"id": "2101.00001v2", "title": "One Paper", "abstract": ABSTRACT},
            {"id": "arXiv:2101.00001", "title": "One paper", "abstract": ABSTRACT},
            {"id": "https://arxiv.org/abs/2101.00001v3", "title": "One Paper", "abstract": ABSTRACT},
            {"id": "X7", "doi": "10.48550/arXiv.2101.00001", "title": "One Paper", "abstract": ABSTRACT},
            {"id": "math-ph/0510026", "title": "Old Style", "abstract": ABSTRACT},
            {"id": "math-ph/0510026v2", "title": "Old Style", "abstract": ABSTRACT},
        ],
    )
    papers, summary = _read(f)
    assert [p.id for p in papers] == ["2101.00001", "math-ph/0510026"]
    assert (summary.papers, summary.duplicates) == (2, 5)
    assert "id:X7" in papers[0].ids  # the other record's own id is kept


def test_one_doi_is_one_paper(tmp_path: Path) -> None:
    f = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "A1", "doi": "10.1000/xyz", "title": "Journal Version", "abstract": ABSTRACT},
            {"id": "2201.00002", "doi": "https://doi.org/10.1000/XYZ", "title": "Preprint", "abstract": ""},
        ],
    )
    papers, _ = _read(f)
    assert [p.id for p in papers] == ["2201.00002"]
    assert papers[0].doi == "10.1000/xyz" and "id:A1" in papers[0].ids


def test_arxiv_ids_that_differ_are_never_joined_by_a_shared_doi(tmp_path: Path) -> None:
    f = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "2101.00001", "doi": "10.1000/same", "title": "First", "abstract": ABSTRACT},
            {"id": "2101.00002", "doi": "10.1000/same", "title": "Second", "abstract": ABSTRACT},
        ],
    )
    papers, summary = _read(f)
    assert [p.id for p in papers] == ["2101.00001", "2101.00002"]
    assert summary.kept_apart == 1


def _page(path: Path, titles: list[str]) -> str:
    body = "Daily Papers\n\nMay 6\n\n" + "".join(f"{t}\n\n{ABSTRACT}\n\n" for t in titles)
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_a_title_only_record_joins_the_one_paper_of_its_title(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "a.jsonl", [{"id": "2101.00001", "title": "Unique Title", "abstract": ABSTRACT}])
    page = _page(tmp_path / "page.txt", ["Unique title"])
    for order in ((page, f), (f, page)):
        papers, summary = _read(*order)
        assert [p.id for p in papers] == ["2101.00001"]
        assert papers[0].all_sources()[0].file in order
        assert {s.date for s in papers[0].all_sources()} == {None, "May 6"}
        assert (summary.papers, summary.duplicates, summary.ambiguous_titles) == (1, 1, 0)


def test_a_title_only_record_of_an_ambiguous_title_stays_apart(tmp_path: Path) -> None:
    f = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "2101.00001", "title": "Introduction", "abstract": ABSTRACT},
            {"id": "2101.00002", "title": "Introduction", "abstract": ABSTRACT},
        ],
    )
    page = _page(tmp_path / "page.txt", ["Introduction", "Only On The Page"])
    papers, summary = _read(page, f)
    ids = [p.id for p in papers]
    assert len(ids) == 4 and "2101.00001" in ids and "2101.00002" in ids
    assert summary.ambiguous_titles == 1
    assert sum(i.startswith("t-") for i in ids) == 2


def test_two_page_copies_of_one_title_are_one_paper(tmp_path: Path) -> None:
    a = _page(tmp_path / "a.txt", ["Seen Twice"])
    b = _page(tmp_path / "b.txt", ["Seen twice"])
    papers, summary = _read(a, b)
    assert len(papers) == 1 and summary.duplicates == 1
    assert {s.file for s in papers[0].all_sources()} == {a, b}


def test_the_index_keeps_records_on_disk_not_in_memory() -> None:
    index = PaperIndex()
    p = Paper("2101.00001", "T", "x" * 10_000, Source("f", 1), arxiv_id="2101.00001")
    for _ in range(3):
        index.add(p)
    placed = list(index.papers())
    assert len(placed) == 1 and placed[0].copies == 3
    assert placed[0].paper.abstract == p.abstract and placed[0].paper.all_sources() == (p.source,)
    index.close()


# ---------------------------------------------------------------- either order, and --update
SNAPSHOT = {
    "id": "2305.12345",
    "title": "Retrieval Heads for Long Context",
    "abstract": ABSTRACT,
    "categories": "cs.CL cs.LG",
    "authors": "Ada Lovelace, Alan Turing",
    "authors_parsed": [["Lovelace", "Ada", ""], ["Turing", "Alan", ""]],
    "versions": [{"version": "v1", "created": "Mon, 22 May 2023 17:59:59 GMT"}],
    "update_date": "2023-06-01",
}
HF_API = [
    {
        "paper": {
            "id": "2305.12345",
            "title": "Retrieval Heads for Long Context",
            "summary": ABSTRACT + " The code is released.",
            "authors": [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}, {"name": "Grace Hopper"}],
            "publishedAt": "2023-05-22T17:59:59.000Z",
            "submittedOnDailyAt": "2023-05-23T08:00:00.000Z",
            "githubRepo": "https://github.com/example-org/retrieval-heads",
            "upvotes": 42,
        },
        "title": "Retrieval Heads for Long Context",
    }
]


def _build(args: list[str]) -> dict[str, object]:
    from click.testing import CliRunner

    from paperkg.cli import main

    r = CliRunner().invoke(main, ["build", *args, "--no-html", "--json", "-q"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _paper_view(out: Path) -> tuple[object, ...]:
    g = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    papers = {n["id"]: n for n in g["nodes"] if n["kind"] == "paper"}
    edges = sorted((e["source"], e["target"], e["key"]) for e in g["edges"])
    keep = ("title", "authors", "published", "updated", "dates", "upvotes", "links", "categories", "abstract")
    return {pid: {k: n.get(k) for k in keep} for pid, n in papers.items()}, edges


def test_either_input_order_and_an_update_give_one_graph(tmp_path: Path) -> None:
    snap = _jsonl(tmp_path / "snapshot.jsonl", [SNAPSHOT])
    api = tmp_path / "daily.json"
    api.write_text(json.dumps(HF_API), encoding="utf-8")
    _build([snap, str(api), "--out", str(tmp_path / "ab")])
    _build([str(api), snap, "--out", str(tmp_path / "ba")])
    _build([snap, "--out", str(tmp_path / "up")])
    s = _build(["--update", str(tmp_path / "up"), str(api)])
    assert s["papers_revised"] == 1 and s["papers"] == 0
    views = [_paper_view(tmp_path / d) for d in ("ab", "ba", "up")]
    assert views[0] == views[1] == views[2]
    paper = views[0][0]["paper:2305.12345"]
    assert paper["authors"] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper["links"] == ["https://github.com/example-org/retrieval-heads"]
    assert paper["published"] == "2023-05-22" and paper["updated"] == "2023-06-01"
    assert paper["dates"] == ["2023-05-23"] and paper["upvotes"] == 42
    assert any(e[2] == "HAS_CODE" for e in views[0][1])

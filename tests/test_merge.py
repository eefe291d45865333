"""Merging the copies of one paper (paperkg.merge): every rule is independent of the order."""

from __future__ import annotations

import itertools

from paperkg.merge import merge_papers, union, well_formed
from paperkg.model import Paper, Source

A = Paper(
    "2101.00001",
    "A Paper",
    "short abstract",
    Source("snapshot.jsonl", 3),
    authors=("Neal J. Evans II", "Bozhidar Z. Iliev"),
    published="2021-01-01",
    updated="2021-06-01",
    arxiv_id="2101.00001",
    doi="10.1000/b",
    categories=("cs.CL", "cs.LG"),
    affiliations=("Institute for Nuclear Research",),
)
B = Paper(
    "2101.00001",
    "A Paper",
    "short abstract, and the longer copy of it",
    Source("hf.json", 1, "2021-01-05"),
    authors=("N. Evans", "B. Iliev", "C. Third"),
    published="2021-01-02",
    arxiv_id="2101.00001",
    categories=("cs.LG", "cs.AI"),
    links=("https://github.com/org/repo",),
    keywords=("retrieval",),
    upvotes=12,
)
C = Paper(
    "2101.00001",
    "A paper",
    "short abstract",
    Source("page.txt", 9, "Jan 5"),
    authors=("", "Somebody"),
    doi="10.1000/a",
    upvotes=3,
    links=("https://github.com/org/repo/",),
)


def test_merge_is_the_same_in_every_order() -> None:
    merged = {merge_papers(list(p)) for p in itertools.permutations((A, B, C))}
    assert len(merged) == 1


def test_merge_keeps_the_union_of_what_the_copies_carry() -> None:
    m = merge_papers([C, A, B])
    assert m.id == "2101.00001" and m.arxiv_id == "2101.00001"
    assert m.abstract == B.abstract  # the longest
    assert m.title == "A paper"  # equal length: the greater in code-point order
    assert m.authors == B.authors  # the longest well-formed list; C's has an empty name
    assert m.published == "2021-01-01" and m.updated == "2021-06-01"
    assert m.doi == "10.1000/a" and "doi:10.1000/b" in m.ids  # the other DOI is not lost
    assert m.upvotes == 12
    assert m.categories == ("cs.CL", "cs.LG", "cs.AI")
    assert m.links == ("https://github.com/org/repo",)  # one link, however it ends
    assert m.keywords == ("retrieval",) and m.affiliations == A.affiliations
    assert [s.file for s in m.all_sources()] == ["hf.json", "page.txt", "snapshot.jsonl"]
    assert {s.date for s in m.all_sources()} == {None, "2021-01-05", "Jan 5"}


def test_a_single_copy_is_returned_as_it_is() -> None:
    assert merge_papers([A]) is A


def test_well_formed_author_lists() -> None:
    assert well_formed(("Neal J. Evans II",))
    assert not well_formed(())
    assert not well_formed(("Ada Lovelace", ""))
    assert not well_formed(("Department of Physics and Astronomy of the University of Somewhere Far",))
    assert not well_formed(("1234",))


def test_a_list_that_is_not_well_formed_is_taken_when_no_other_is() -> None:
    only = Paper("x", "T", "", Source("f", 1), authors=("", "Somebody"))
    other = Paper("x", "T", "", Source("g", 1))
    assert merge_papers([only, other]).authors == ("", "Somebody")


def test_union_puts_the_longest_list_first() -> None:
    assert union([("b",), ("a", "c"), ("c", "d")]) == ("a", "c", "d", "b")

"""`diff` on real dated listings: the three sample pages and the dated corpus split at its middle date.
Each figure of the diff is checked against a count made here straight from the two graph.json files."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import paperkg
from paperkg.changes import diff, read_graph

pytestmark = pytest.mark.shared

PAPER_EDGES = {"INTRODUCES", "USES", "EVALUATES_ON", "HAS_CODE", "HAS_WEBSITE"}


def _raw(out: Path) -> dict[str, Any]:
    return json.loads((out / "graph.json").read_text(encoding="utf-8"))


def _count(g: dict[str, Any]) -> dict[str, Any]:
    """Papers, entities, papers per entity and entity links of a graph.json, counted directly."""
    papers = {n["id"] for n in g["nodes"] if n["kind"] == "paper"}
    entities = {n["id"] for n in g["nodes"] if n["kind"] != "paper"}
    per_entity: dict[str, set[str]] = defaultdict(set)
    models: dict[str, set[str]] = defaultdict(set)
    benches: dict[str, set[str]] = defaultdict(set)
    links = set()
    for e in g["edges"]:
        if e["type"] in PAPER_EDGES:
            per_entity[e["target"]].add(e["source"])
        if e["type"] in ("USES", "INTRODUCES") and e["target"].startswith("model:"):
            models[e["source"]].add(e["target"])
        if e["type"] == "EVALUATES_ON":
            benches[e["source"]].add(e["target"])
        if e["type"] in ("VARIANT_OF", "TRAINED_ON"):
            links.add((e["source"], e["type"], e["target"]))
    for p in models.keys() & benches.keys():
        links |= {(m, "EVALUATED_ON", b) for m in models[p] for b in benches[p]}
    return {"papers": papers, "entities": entities, "per_entity": per_entity, "links": links}


def _check(old_out: Path, new_out: Path) -> None:
    old, new = _count(_raw(old_out)), _count(_raw(new_out))
    d = diff(read_graph(old_out), read_graph(new_out), top=10**9)
    assert {p.id for p in d.new_papers} == new["papers"] - old["papers"]
    assert {e.id for e in d.new_entities} == new["entities"] - old["entities"]
    assert {g.id for g in d.gone} == old["entities"] - new["entities"]
    both = old["entities"] & new["entities"]
    rises = {
        i: (len(old["per_entity"][i]), len(new["per_entity"][i]))
        for i in both
        if len(new["per_entity"][i]) > len(old["per_entity"][i])
    }
    assert {r.id: (r.old, r.new) for r in d.rises} == rises
    known = old["entities"]
    new_links = {x for x in new["links"] - old["links"] if x[0] in known and x[2] in known}
    assert {(x.source, x.relation, x.target) for x in d.new_links} == new_links
    for e in d.new_entities:
        assert e.papers == len(new["per_entity"][e.id])


def test_sample_pages_third_page_against_the_first_two(shared: Path, tmp_path: Path) -> None:
    pages = sorted((shared / "samples").iterdir())
    opts = {"html": False, "rdf": False}
    paperkg.build(pages[:2], paperkg.BuildOptions(out=tmp_path / "old", **opts))
    paperkg.build(pages, paperkg.BuildOptions(out=tmp_path / "new", **opts))
    _check(tmp_path / "old", tmp_path / "new")
    d = diff(read_graph(tmp_path / "old"), read_graph(tmp_path / "new"))
    assert d.new_papers and d.new_entities  # the third page brings papers and names of its own


def test_corpus_second_half_by_date(shared: Path, tmp_path: Path) -> None:
    with gzip.open(shared / "corpus" / "hf_daily_2025_2026.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    dates = sorted(r["date"] for r in records)
    middle = dates[len(dates) // 2]
    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records if r["date"] < middle), encoding="utf-8")
    everything = tmp_path / "all.jsonl"
    everything.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    opts = {"html": False, "rdf": False, "jobs": 2}
    paperkg.build([first], paperkg.BuildOptions(out=tmp_path / "old", **opts))
    paperkg.build([everything], paperkg.BuildOptions(out=tmp_path / "new", **opts))
    _check(tmp_path / "old", tmp_path / "new")
    d = diff(read_graph(tmp_path / "old"), read_graph(tmp_path / "new"))
    assert all(p.date is not None and p.date >= middle for p in d.new_papers)
    assert len(d.new_entities) > 1000 and d.rises and d.new_links

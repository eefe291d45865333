"""Time in built graphs: every entity's first_seen / last_seen / papers_per_month and every link's date
agree with a count made straight from graph.json, after a full build and after an update."""

from __future__ import annotations

import gzip
import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

import paperkg

pytestmark = pytest.mark.shared
PAPER_EDGES = {"INTRODUCES", "USES", "EVALUATES_ON", "HAS_CODE", "HAS_WEBSITE"}


def _expected(graph: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, int]]]:
    dates = {n["id"]: n.get("date") for n in graph["nodes"] if n["kind"] == "paper"}
    papers: dict[str, set[str]] = defaultdict(set)
    for e in graph["edges"]:
        if e["type"] in PAPER_EDGES and dates.get(e["source"]):
            papers[e["target"]].add(e["source"])
    out = {}
    for nid, ps in papers.items():
        ds = sorted(dates[p] for p in ps)
        out[nid] = (ds[0], ds[-1], dict(sorted(Counter(d[:7] for d in ds).items())))
    return out


def _check(out: Path) -> int:
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    got = {
        n["id"]: (n["first_seen"], n["last_seen"], n["papers_per_month"])
        for n in graph["nodes"]
        if "first_seen" in n
    }
    assert got == _expected(graph)
    dates = {n["id"]: n.get("date") for n in graph["nodes"] if n["kind"] == "paper"}
    for e in graph["edges"]:
        if "paper" in e:
            assert e.get("date") == dates[e["paper"]]
    return len(got)


def test_full_build_and_update_keep_time_right(shared: Path, tmp_path: Path) -> None:
    with gzip.open(shared / "corpus" / "hf_daily_2025_2026.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in itertools.islice(f, 600)]
    records.sort(key=lambda r: r["date"])
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:400]), encoding="utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in records[400:]), encoding="utf-8")
    opts = {"html": False}
    paperkg.build([first], paperkg.BuildOptions(out=tmp_path / "kg", **opts))
    before = _check(tmp_path / "kg")
    paperkg.build([second], paperkg.BuildOptions(update=tmp_path / "kg", **opts))
    after = _check(tmp_path / "kg")
    assert after > before > 100
    paperkg.build([first, second], paperkg.BuildOptions(out=tmp_path / "full", **opts))
    _check(tmp_path / "full")
    # the update patched graph.ttl in place: it holds the same first-seen dates as graph.json
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "kg" / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = store.query(
        "SELECT ?id ?d WHERE { ?e <https://w3id.org/paperkg/ontology#firstSeen> ?d ;"
        " <https://w3id.org/paperkg/ontology#id> ?id }"
    )
    in_ttl = {r["id"].value: r["d"].value for r in rows}
    graph = json.loads((tmp_path / "kg" / "graph.json").read_text(encoding="utf-8"))
    assert in_ttl == {n["id"]: n["first_seen"] for n in graph["nodes"] if "first_seen" in n}

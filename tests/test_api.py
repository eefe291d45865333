"""The Python API, used as a notebook user would: only names imported from ``paperkg``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import paperkg

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "daily_papers_2025-03-03.txt"
RECORDS = [
    {
        "id": "2501.00001",
        "title": "ZorbaBench: A Benchmark for Document Agents",
        "abstract": "We introduce ZorbaBench, a benchmark of 2,000 document tasks, and evaluate GPT-4o "
        "and Qwen2.5-7B on it. Code: https://github.com/zorba/zorbabench",
    },
    {
        "id": "2501.00002",
        "title": "Agents that read",
        "abstract": "We fine-tune Qwen2.5-7B on DocVQA and report results on ZorbaBench.",
    },
]


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _names(g: paperkg.KnowledgeGraph) -> dict[str, str]:
    return {str(n.props["name"]): n.kind.value for n in g.nodes() if n.kind.is_entity}


def test_extract_returns_typed_records(tmp_path: Path, extractor: Any) -> None:
    result = paperkg.extract([_write(tmp_path / "a.jsonl", RECORDS)], extractor=extractor)
    assert result.summary.papers == 2
    by_paper = {x.paper.id: {e.name: e for e in x.entities} for x in result.extractions}
    zorba = by_paper["2501.00001"]["ZorbaBench"]
    assert zorba.type.value == "benchmark" and zorba.role.value == "introduced"
    assert "Qwen2.5-7B" in by_paper["2501.00002"]
    out = io.StringIO()
    assert result.write_jsonl(out) == 2
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ["2501.00001", "2501.00002"]


def test_build_then_update_and_networkx(tmp_path: Path, extractor: Any) -> None:
    first = _write(tmp_path / "a.jsonl", RECORDS[:1])
    later = _write(tmp_path / "b.jsonl", RECORDS[1:])
    out = tmp_path / "kg"
    result = paperkg.build([first], paperkg.BuildOptions(out=out, html=False), extractor=extractor)
    assert result.out == out and (out / "graph.json").is_file() and (out / "graph.ttl").is_file()
    assert not (out / "graph.html").exists()
    assert result.summary.papers == 1
    assert _names(result.graph)["ZorbaBench"] == "benchmark"

    updated = paperkg.build([later], paperkg.BuildOptions(update=out, html=False), extractor=extractor)
    assert updated.summary.papers == 1
    g = updated.graph.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert {"paper:2501.00001", "paper:2501.00002"} <= set(g.nodes)
    zorba = next(n for n, a in g.nodes(data=True) if a.get("name") == "ZorbaBench")
    users = {u for u, _, k in g.in_edges(zorba, keys=True)}
    assert users == {"paper:2501.00001", "paper:2501.00002"}
    # the copy is the caller's own: changing it leaves the graph as it was
    g.remove_node(zorba)
    assert "ZorbaBench" in _names(paperkg.KnowledgeGraph.load(out / "graph.json"))


def test_export_every_format_and_query_rdf(tmp_path: Path, extractor: Any) -> None:
    out = tmp_path / "kg"
    paperkg.build([EXAMPLE], paperkg.BuildOptions(out=out, html=False, rdf=False), extractor=extractor)
    graph = paperkg.KnowledgeGraph.load(out / "graph.json")
    for fmt in ("ttl", "nt", "jsonld", "xml", "html"):
        report = paperkg.export(graph, fmt, tmp_path / f"g.{fmt}")
        assert report.nodes == graph.number_of_nodes() and report.edges == graph.number_of_edges()
        assert (tmp_path / f"g.{fmt}").stat().st_size > 0
    csv = paperkg.export(out / "graph.json", "neo4j-csv", tmp_path / "csv")
    assert csv.nodes == graph.number_of_nodes() and any((tmp_path / "csv").iterdir())

    names = dict(paperkg.saved_queries("rdf"))
    assert names.get("entity_neighbourhood")
    r = paperkg.query("most_used_models", backend="rdf", rdf_file=tmp_path / "g.ttl")
    assert r.columns and r.rows
    assert set(r.rows[0]) == set(r.columns)


def test_errors_are_paperkg_errors(tmp_path: Path) -> None:
    with pytest.raises(paperkg.PaperkgError, match="no such file"):
        paperkg.extract([tmp_path / "missing.jsonl"])
    with pytest.raises(paperkg.PaperkgError, match="either out"):
        paperkg.build([EXAMPLE], paperkg.BuildOptions())
    with pytest.raises(paperkg.PaperkgError, match="no graph to update"):
        paperkg.build([EXAMPLE], paperkg.BuildOptions(update=tmp_path))
    with pytest.raises(paperkg.PaperkgError, match="unknown export format"):
        paperkg.export(paperkg.KnowledgeGraph(), "svg", tmp_path / "g.svg")
    with pytest.raises(paperkg.PaperkgError):
        paperkg.query("no_such_query", backend="rdf", rdf_file=tmp_path / "g.ttl")

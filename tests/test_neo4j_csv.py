"""Neo4jCsvSink: neo4j-admin import headers, quoting, arrays (the real import is in
integration/test_neo4j_admin_import.py)."""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

import pytest

from neo4j_support import COCO, P1, small_graph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.name_keys import name_keys
from paperkg.sinks.neo4j import constraint_statements
from paperkg.sinks.neo4j_csv import SCHEMA_FILE, Neo4jCsvSink, import_command

ROOT = Path(__file__).resolve().parents[1]


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def export_csvs(tmp_path: Path, *extra: Node) -> tuple[Neo4jCsvSink, Path]:
    g = small_graph()
    for n in extra:
        g.add_node(n)
        g.add_edge(Edge(P1, n.id, EdgeType.USES, {"confidence": 0.5, "start": 1, "end": 2}))
    out = tmp_path / "csv"
    sink = Neo4jCsvSink(out)
    report = write_graph(g, sink)
    assert (report.nodes, report.edges) == (g.number_of_nodes(), g.number_of_edges())
    return sink, out


def test_headers_are_neo4j_admin_headers(tmp_path: Path) -> None:
    sink, out = export_csvs(tmp_path)
    files = sorted(p.name for p in out.glob("*.csv"))
    assert files == [
        *(
            f"nodes_{k}.csv"
            for k in ("Benchmark", "Dataset", "Model", "NameKey", "Paper", "Repository", "Website")
        ),
        *(
            f"rels_{t}.csv"
            for t in (
                "EVALUATES_ON",
                "HAS_CODE",
                "HAS_WEBSITE",
                "INTRODUCES",
                "NAMES",
                "TRAINED_ON",
                "USES",
                "VARIANT_OF",
            )
        ),
    ]
    paper = read_rows(out / "nodes_Paper.csv")
    assert paper[0] == [
        "id:ID",
        ":LABEL",
        "kind",
        "abstract",
        "arxiv_id",
        "authors:string[]",
        "categories:string[]",
        "dates:string[]",
        "sources:string[]",
        "title",
        "url",
    ]
    model = read_rows(out / "nodes_Model.csv")
    assert model[0] == ["id:ID", ":LABEL", "kind", "aliases:string[]", "name"]
    assert model[1][:2] == ["model:llava", "Model;Entity"]
    assert model[1][3] == "LLaVA;Large Language and Vision Assistant"
    uses = read_rows(out / "rels_USES.csv")
    assert uses[0] == [
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "confidence:double",
        "end:long",
        "extractor",
        "extractor_version",
        "field",
        "paper",
        "sentence",
        "start:long",
    ]
    assert uses[1][:4] == [P1, COCO, "USES", "0.9"]
    variant = read_rows(out / "rels_VARIANT_OF.csv")
    assert variant[0] == [
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "confidence:double",
        "extractor",
        "extractor_version",
    ]
    assert sink.array_delimiter == ";"
    cmd = sink.command()
    assert cmd[:4] == ["neo4j-admin", "database", "import", "full"]
    assert "--array-delimiter=;" in cmd and "--multiline-fields=true" in cmd and cmd[-1] == "neo4j"
    assert sum(a.startswith("--nodes=") for a in cmd) == 7
    assert sum(a.startswith("--relationships=") for a in cmd) == 8
    assert cmd == import_command(out)
    script = (out / "neo4j-admin-import.sh").read_text(encoding="utf-8")
    assert shlex.join(cmd) in script and SCHEMA_FILE in script
    schema = (out / SCHEMA_FILE).read_text(encoding="utf-8").splitlines()
    assert schema == [f"{stmt};" for stmt in constraint_statements()]


def test_name_keys_are_their_own_id_space(tmp_path: Path) -> None:
    g = small_graph()
    _, out = export_csvs(
        tmp_path, Node("model:coco-captioner", NodeKind.MODEL, {"name": "COCO", "aliases": []})
    )
    keys = read_rows(out / "nodes_NameKey.csv")
    names = read_rows(out / "rels_NAMES.csv")
    assert keys[0] == ["key:ID(NameKey)", ":LABEL"] and names[0] == [":START_ID(NameKey)", ":END_ID", ":TYPE"]
    expected = sorted({k for n in g.nodes() for k in name_keys(n)})
    assert [r[0] for r in keys[1:]] == expected and {r[1] for r in keys[1:]} == {"NameKey"}
    assert ["coco", COCO, "NAMES"] in names and ["coco", "model:coco-captioner", "NAMES"] in names
    assert ["mscoco", COCO, "NAMES"] in names
    assert len(names[1:]) == sum(len(name_keys(n)) for n in g.nodes()) + 1  # and the captioner's key


def test_quotes_newlines_and_delimiter_in_arrays(tmp_path: Path) -> None:
    weird = Node("model:weird", NodeKind.MODEL, {"name": 'a "q", b\nc', "aliases": ["x;y", "z"]})
    sink, out = export_csvs(tmp_path, weird)
    assert sink.array_delimiter == "\x1f"
    assert "--array-delimiter=U+001F" in sink.command()
    rows = {r[0]: r for r in read_rows(out / "nodes_Model.csv")}
    assert rows["model:weird"][1] == "Model\x1fEntity"
    assert rows["model:weird"][3].split("\x1f") == ["x;y", "z"]
    assert rows["model:weird"][4] == 'a "q", b\nc'


def test_no_nodes_no_command(tmp_path: Path) -> None:
    with pytest.raises(SinkError):
        import_command(tmp_path)

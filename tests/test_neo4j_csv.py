"""Neo4jCsvSink: neo4j-admin import headers, quoting, arrays, and (with the launcher built) a real import."""

from __future__ import annotations

import csv
import os
import shlex
import socket
import subprocess
import time
from pathlib import Path

import neo4j
import pytest

from neo4j_support import COCO, P1, small_graph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.queries import load_query
from paperkg.queries.cypher import run_cypher
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.name_keys import name_keys
from paperkg.sinks.neo4j import constraint_statements
from paperkg.sinks.neo4j_csv import SCHEMA_FILE, Neo4jCsvSink, import_command

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "scripts" / "neo4j-launcher" / "target"


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _export(tmp_path: Path, *extra: Node) -> tuple[Neo4jCsvSink, Path]:
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
    sink, out = _export(tmp_path)
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
    paper = _read(out / "nodes_Paper.csv")
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
    model = _read(out / "nodes_Model.csv")
    assert model[0] == ["id:ID", ":LABEL", "kind", "aliases:string[]", "name"]
    assert model[1][:2] == ["model:llava", "Model;Entity"]
    assert model[1][3] == "LLaVA;Large Language and Vision Assistant"
    uses = _read(out / "rels_USES.csv")
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
    variant = _read(out / "rels_VARIANT_OF.csv")
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
    _, out = _export(tmp_path, Node("model:coco-captioner", NodeKind.MODEL, {"name": "COCO", "aliases": []}))
    keys = _read(out / "nodes_NameKey.csv")
    names = _read(out / "rels_NAMES.csv")
    assert keys[0] == ["key:ID(NameKey)", ":LABEL"] and names[0] == [":START_ID(NameKey)", ":END_ID", ":TYPE"]
    expected = sorted({k for n in g.nodes() for k in name_keys(n)})
    assert [r[0] for r in keys[1:]] == expected and {r[1] for r in keys[1:]} == {"NameKey"}
    assert ["coco", COCO, "NAMES"] in names and ["coco", "model:coco-captioner", "NAMES"] in names
    assert ["mscoco", COCO, "NAMES"] in names
    assert len(names[1:]) == sum(len(name_keys(n)) for n in g.nodes()) + 1  # and the captioner's key


def test_quotes_newlines_and_delimiter_in_arrays(tmp_path: Path) -> None:
    weird = Node("model:weird", NodeKind.MODEL, {"name": 'a "q", b\nc', "aliases": ["x;y", "z"]})
    sink, out = _export(tmp_path, weird)
    assert sink.array_delimiter == "\x1f"
    assert "--array-delimiter=U+001F" in sink.command()
    rows = {r[0]: r for r in _read(out / "nodes_Model.csv")}
    assert rows["model:weird"][1] == "Model\x1fEntity"
    assert rows["model:weird"][3].split("\x1f") == ["x;y", "z"]
    assert rows["model:weird"][4] == 'a "q", b\nc'


def test_no_nodes_no_command(tmp_path: Path) -> None:
    with pytest.raises(SinkError):
        import_command(tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.neo4j
def test_real_neo4j_admin_import(tmp_path: Path) -> None:
    """Runs neo4j-admin (from the launcher's Maven jars) on the CSVs, then opens the result over Bolt."""
    if not (TARGET / "lib").is_dir():
        msg = "the Neo4j launcher is not built (run scripts/neo4j-local start once)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    weird = Node("model:weird", NodeKind.MODEL, {"name": '\'}) DETACH DELETE n //\n"x"', "aliases": ["x;y"]})
    sink, out = _export(tmp_path, weird)
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    env["NEO4J_PASSWORD"] = "import-test-pw"
    cp = f"{TARGET / 'classes'}:{TARGET / 'lib'}/*"
    java = ["java", "-Xmx512m", "-cp", cp]
    res = subprocess.run(
        [*java, "org.neo4j.cli.AdminTool", *sink.command()[1:]],
        env=env,
        cwd=tmp_path,  # neo4j-admin writes import.report into its working directory
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    assert "IMPORT DONE" in res.stdout + res.stderr
    port = _free_port()
    log = tmp_path / "neo4j.log"
    with open(log, "w", encoding="utf-8") as logf:
        proc = subprocess.Popen(
            [*java, "paperkg.Neo4jLocal", str(home), str(port)],
            env=env,
            stdout=logf,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 180
        while "PAPERKG-NEO4J-READY" not in log.read_text(encoding="utf-8"):
            assert proc.poll() is None, log.read_text(encoding="utf-8")[-2000:]
            assert time.monotonic() < deadline, "Neo4j did not start"
            time.sleep(0.5)
        uri = f"bolt://127.0.0.1:{port}"
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "import-test-pw")) as d:
            for stmt in (out / SCHEMA_FILE).read_text(encoding="utf-8").splitlines():
                d.execute_query(stmt.rstrip(";"))
            keys = _read(out / "nodes_NameKey.csv")[1:]
            names = _read(out / "rels_NAMES.csv")[1:]
            recs, _, _ = d.execute_query("MATCH (n) WHERE NOT n:NameKey RETURN count(n) AS n")
            assert recs[0]["n"] == 13
            recs, _, _ = d.execute_query("MATCH (k:NameKey) RETURN count(k) AS n")
            assert recs[0]["n"] == len(keys) > 0
            recs, _, _ = d.execute_query("MATCH ()-[r]->() WHERE NOT r:NAMES RETURN count(r) AS n")
            assert recs[0]["n"] == 16
            recs, _, _ = d.execute_query("MATCH (:NameKey)-[r:NAMES]->(:Entity) RETURN count(r) AS n")
            assert recs[0]["n"] == len(names)
            q = load_query("entity_neighbourhood")
            _, rows = run_cypher(q, q.bind({"name": "ms coco"}), uri, "neo4j", "import-test-pw")
            assert [(r["neighbour"], r["relation"]) for r in rows] == [
                ("Improved Baselines with Visual Instruction Tuning", "USES"),
                ("Microsoft COCO: Common Objects in Context", "INTRODUCES"),
                ("Visual Instruction Tuning", "USES"),
            ]
            with d.session() as session:
                plan = session.run("EXPLAIN " + q.text, q.bind({"name": "ms coco"})).consume().plan
            assert "NodeUniqueIndexSeek" in str(plan)
            recs, _, _ = d.execute_query(
                "MATCH (p:Paper)-[r:USES]->(m:Model:Entity {id: 'model:weird'}) "
                "RETURN m.name AS name, m.aliases AS aliases, r.start AS start, r.confidence AS c"
            )
            assert [r.data() for r in recs] == [
                {"name": weird.props["name"], "aliases": ["x;y"], "start": 1, "c": 0.5}
            ]
    finally:
        proc.terminate()
        proc.wait(timeout=120)

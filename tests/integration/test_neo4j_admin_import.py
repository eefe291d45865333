"""neo4j-admin import (the launcher's Maven jars) of the CSVs Neo4jCsvSink writes, then the imported
database opened over Bolt."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import neo4j
import pytest

from paperkg.model import Node, NodeKind
from paperkg.queries import load_query
from paperkg.queries.cypher import run_cypher
from paperkg.sinks.neo4j_csv import SCHEMA_FILE
from test_neo4j_csv import export_csvs, read_rows

ROOT = Path(__file__).resolve().parents[2]

TARGET = ROOT / "scripts" / "neo4j-launcher" / "target"


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
    sink, out = export_csvs(tmp_path, weird)
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
            keys = read_rows(out / "nodes_NameKey.csv")[1:]
            names = read_rows(out / "rels_NAMES.csv")[1:]
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

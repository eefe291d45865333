"""benchmarks/neo4j_import.py end to end on a small graph: the CSV export, the real neo4j-admin of the
launcher's jars, and the Bolt load into the test server, with the counts each reports."""

from __future__ import annotations

import json
import os

import pytest

from neo4j_support import Neo4jTarget, neo4j_target  # noqa: F401
from tests_support import load_benchmark


@pytest.mark.neo4j
def test_bulk_and_bolt_paths_load_the_same_graph(
    neo4j_target: Neo4jTarget,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_benchmark("neo4j_load")  # neo4j_import imports it by name
    bench = load_benchmark("neo4j_import")
    if not (bench.TARGET / "lib").is_dir():
        msg = "the Neo4j launcher is not built (run scripts/neo4j-local start once)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_target.password)
    argv = ["--uri", neo4j_target.uri, "--user", neo4j_target.user, "--papers", "300", "--admin-heap", "512m"]
    assert bench.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    graph = load_benchmark("neo4j_load").synthetic_graph(300, 1234)
    assert (result["nodes"], result["relationships"]) == (graph.number_of_nodes(), graph.number_of_edges())
    # neo4j-admin adds the name-key nodes and their edges on top of the graph's own
    assert result["bulk"]["imported_nodes"] > result["nodes"]
    assert result["bulk"]["imported_relationships"] > result["relationships"]
    assert result["bolt"]["relationships_per_s"] > 0 and result["bulk_speedup"] > 0

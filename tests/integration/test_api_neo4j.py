"""The Python API against the real Neo4j of the tests: load a built graph, then a saved query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import paperkg
from neo4j_support import neo4j_target  # noqa: F401
from tests_support import EXAMPLES

pytestmark = pytest.mark.neo4j
EXAMPLE = EXAMPLES / "daily_papers_2025-03-03.txt"


def test_load_and_query_neo4j(tmp_path: Path, extractor: Any, neo4j_target: Any) -> None:  # noqa: F811
    out = tmp_path / "kg"
    built = paperkg.build([EXAMPLE], paperkg.BuildOptions(out=out, html=False), extractor=extractor)
    target = paperkg.Neo4jTarget(neo4j_target.uri, neo4j_target.user, neo4j_target.password)
    report = paperkg.load(out / "graph.json", target)
    assert report.nodes == built.graph.number_of_nodes()
    cypher = paperkg.query("most_used_models", neo4j=target)
    sparql = paperkg.query("most_used_models", backend="rdf", rdf_file=out / "graph.ttl")
    assert cypher.rows and cypher.columns == sparql.columns

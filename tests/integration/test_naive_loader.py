"""The benchmark's naive Neo4j loader (one statement per node and edge) loads what the batched sink loads."""

from __future__ import annotations

import pytest

from neo4j_support import Neo4jTarget, neo4j_target, small_graph  # noqa: F401
from tests_support import load_benchmark


@pytest.mark.neo4j
def test_naive_neo4j_loader_loads_what_the_batched_sink_loads(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    from paperkg.sinks.base import write_graph
    from paperkg.sinks.neo4j import Neo4jSink, clear, counts

    neo4j_load = load_benchmark("neo4j_load")
    g = small_graph()
    report = neo4j_load.load_naive(*neo4j_target.args, g.nodes(), g.edges())
    assert (report.nodes, report.edges) == (g.number_of_nodes(), g.number_of_edges())
    naive = counts(*neo4j_target.args)
    clear(*neo4j_target.args)
    write_graph(g, Neo4jSink(*neo4j_target.args))
    assert counts(*neo4j_target.args) == naive
    assert naive["nodes"]["*"] == g.number_of_nodes() and naive["relationships"]["*"] == g.number_of_edges()

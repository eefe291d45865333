"""Each saved Cypher query and its SPARQL twin give identical rows on the same graphs.

Loads every test graph into a real Neo4j (``paperkg.sinks.neo4j.Neo4jSink``) and into RDF (Turtle,
``paperkg.sinks.rdf``), runs the saved ``NAME.cypher`` and ``NAME.rq`` with the same parameters,
and compares columns and rows exactly (values, types and order).

Needs ``NEO4J_URI`` (start one with ``export NEO4J_URI=$(scripts/neo4j-local start | tail -n1)``;
``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` default to ``neo4j`` / ``paperkg-test``). Without it the tests
are skipped, or fail when ``CI=true``. They DELETE everything in that database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_time_queries import TIME_QUERIES

from paperkg.graph import KnowledgeGraph
from paperkg.queries import list_queries, load_query
from paperkg.queries.sparql import run_sparql
from paperkg.sinks.base import write_graph
from paperkg.sinks.rdf import write_rdf
from test_rdf_export import hostile_graph
from test_sparql_queries import BY_KEY, EXPECTED, MORE, chain_graph, query_graph, shared_key_graph

pytestmark = pytest.mark.neo4j

Params = dict[str, str]


def small_graph() -> KnowledgeGraph:
    from neo4j_support import small_graph as build

    return build()


def small_graph_params() -> dict[str, list[Params]]:
    from test_queries_cypher import EXPECTED as CYPHER_EXPECTED

    out: dict[str, list[Params]] = {}
    for name, (raw, _, _) in CYPHER_EXPECTED.items():
        out.setdefault(name, []).append(raw)
    out["most_used_datasets"].append({"limit": "1"})
    out["shortest_path"].append({"source": "LLaVA", "target": "no such thing"})
    out["shortest_path"].append({"source": "ScienceQA", "target": "llava-instruct-150k"})
    out["dataset_introducers_and_users"].append({"dataset": "llava-instruct-150k"})
    out["entity_neighbourhood"].append({"name": "coco"})
    return out


def query_graph_params() -> dict[str, list[Params]]:
    out: dict[str, list[Params]] = {name: [raw] for name, (raw, _, _) in EXPECTED.items()}
    for name, raw, _ in MORE:
        out[name].append(raw)
    return out


def chain_graph_params() -> dict[str, list[Params]]:
    pairs = [("m0", "m6"), ("m0", "m7"), ("M3", "m1"), ("m2", "m2")]
    return {
        "shortest_path": [{"source": s, "target": t} for s, t in pairs],
        "entity_neighbourhood": [{"name": "m4"}],
        "single_paper_entities": [{}],
    }


def shared_key_graph_params() -> dict[str, list[Params]]:
    out: dict[str, list[Params]] = {"dataset_introducers_and_users": [{}], "most_used_models": [{}]}
    for name, raw, _ in BY_KEY:
        out.setdefault(name, []).append(raw)
    out["entity_neighbourhood"] += [{"name": "ORCA-13B"}, {"name": "orca bench"}, {"name": ""}]
    return out


def hostile_graph_params() -> dict[str, list[Params]]:
    g = hostile_graph()
    names = sorted({str(n.props["name"]) for n in g.nodes() if n.kind.is_entity})
    out: dict[str, list[Params]] = {
        name: [{}]
        for name in list_queries("cypher")
        if not load_query(name).params or name.startswith("most")
    }
    out["benchmark_leaderboard"] = [{}]
    out["dataset_introducers_and_users"] = [{}]
    out["entity_neighbourhood"] = [{"name": n} for n in names[:8]]
    out["shortest_path"] = [{"source": names[i], "target": names[-1 - i]} for i in range(4)]
    out["models_on_benchmark"] = [{"benchmark": n} for n in names[:4]]
    out["datasets_with_model"] = [{"model": n} for n in names[:4]]
    return out


GRAPHS: dict[str, tuple[Callable[[], KnowledgeGraph], Callable[[], dict[str, list[Params]]]]] = {
    "small": (small_graph, small_graph_params),
    "query": (query_graph, query_graph_params),
    "chain": (lambda: chain_graph(8), chain_graph_params),
    "hostile": (hostile_graph, hostile_graph_params),
    "shared_key": (shared_key_graph, shared_key_graph_params),
}


class Target:
    def __init__(self, uri: str, user: str, password: str) -> None:
        self.uri, self.user, self.password = uri, user, password

    @property
    def args(self) -> tuple[str, str, str]:
        return self.uri, self.user, self.password


@pytest.fixture(scope="module")
def neo4j_server() -> Iterator[Target]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        msg = "NEO4J_URI is not set: export NEO4J_URI=$(scripts/neo4j-local start | tail -n1)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {msg}", pytrace=False)
        pytest.skip(msg)
    yield Target(
        uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", "paperkg-test")
    )


def load_neo4j(graph: KnowledgeGraph, target: Target) -> None:
    import neo4j

    from paperkg.sinks.neo4j import Neo4jSink

    with neo4j.GraphDatabase.driver(target.uri, auth=(target.user, target.password)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    write_graph(graph, Neo4jSink(*target.args))


def rows_of(columns: list[str], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(r[c] for c in columns) for r in rows]


def test_every_cypher_query_has_a_sparql_twin() -> None:
    assert list_queries("cypher") == list_queries("rdf")


@pytest.mark.parametrize("graph_name", sorted(GRAPHS))
def test_cypher_and_sparql_twins_agree(graph_name: str, neo4j_server: Target, tmp_path: Path) -> None:
    from paperkg.queries.cypher import run_cypher

    build, params = GRAPHS[graph_name]
    graph = build()
    load_neo4j(graph, neo4j_server)
    ttl = tmp_path / "graph.ttl"
    write_rdf(graph, ttl)

    mismatches: list[str] = []
    compared = 0
    for name, param_sets in sorted(params().items()):
        cq, rq = load_query(name, "cypher"), load_query(name, "rdf")
        for raw in param_sets:
            ccols, crows = run_cypher(cq, cq.bind(raw), *neo4j_server.args)
            rcols, rrows = run_sparql(rq, rq.bind(raw), ttl)
            got_c, got_r = rows_of(ccols, crows), rows_of(rcols, rrows)
            if ccols != rcols or got_c != got_r:
                mismatches.append(f"{name} {raw!r}:\n  cypher {ccols} {got_c!r}\n  sparql {rcols} {got_r!r}")
            compared += 1
    assert compared, "nothing compared"
    assert not mismatches, "\n".join(mismatches)


def test_every_query_is_compared_on_some_non_empty_result(tmp_path: Path) -> None:
    # the comparisons above are not vacuous: every query has rows on at least one graph (checked on RDF)
    seen: set[str] = set()
    for graph_name, (build, params) in GRAPHS.items():
        ttl = tmp_path / f"{graph_name}.ttl"
        write_rdf(build(), ttl)
        for name, param_sets in params().items():
            q = load_query(name, "rdf")
            if any(run_sparql(q, q.bind(raw), ttl)[1] for raw in param_sets):
                seen.add(name)
    assert seen == set(list_queries("rdf")) - set(TIME_QUERIES)


SAMPLE_PARAMS: dict[str, Params] = {
    "models_on_benchmark": {"benchmark": "MMBench"},
    "datasets_with_model": {"model": "CLIP"},
    "entity_neighbourhood": {"name": "CLIP"},
    "shortest_path": {"source": "CLIP", "target": "COCO"},
    "dataset_introducers_and_users": {},
    "first_users_of": {"name": "CLIP"},
    "new_entities_since": {"date": "2000-01-01"},
}


@pytest.fixture(scope="module")
def sample_graph() -> KnowledgeGraph:
    from conftest import need_shared
    from paperkg.extraction import Extractor
    from paperkg.pipeline import run

    pages = sorted(str(p) for p in (need_shared() / "samples").glob("*.txt"))
    return run(pages, Extractor()).graph


def test_every_query_answers_on_the_sample_pages_and_its_twin_agrees(
    sample_graph: KnowledgeGraph, neo4j_server: Target, tmp_path: Path
) -> None:
    """The issue's check: on the graph of the shared sample pages, every saved Cypher query returns
    rows from the real Neo4j, and its SPARQL twin returns the same rows from the Turtle export."""
    from paperkg.queries.cypher import run_cypher

    load_neo4j(sample_graph, neo4j_server)
    ttl = tmp_path / "samples.ttl"
    write_rdf(sample_graph, ttl)
    empty, mismatches = [], []
    for name in list_queries("cypher"):
        raw = SAMPLE_PARAMS.get(name, {})
        cq, rq = load_query(name, "cypher"), load_query(name, "rdf")
        ccols, crows = run_cypher(cq, cq.bind(raw), *neo4j_server.args)
        rcols, rrows = run_sparql(rq, rq.bind(raw), ttl)
        if not crows and name not in TIME_QUERIES:  # the pages' dates ("May 6") have no year
            empty.append(name)
        if ccols != rcols or rows_of(ccols, crows) != rows_of(rcols, rrows):
            mismatches.append(f"{name} {raw!r}: cypher {len(crows)} rows, sparql {len(rrows)} rows")
    assert not empty, f"queries with no rows on the sample pages: {empty}"
    assert not mismatches, "\n".join(mismatches)

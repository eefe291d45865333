"""The saved queries find the entity they are given by an index seek on ``NameKey.key``.

``EXPLAIN`` of every saved query that takes a name: its lookup starts from a ``NodeUniqueIndexSeek``
on ``NameKey(key)`` (one per name parameter) and no plan scans all nodes; outside
``dataset_introducers_and_users`` (whose empty parameter asks for every dataset) no plan scans an
entity label at all. ``PROFILE`` with a name given: the seek finds the entity and the scans that
remain read nothing. And benchmarks/query_lookup.py measures what it says on a small graph.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, LiteralString, cast

import neo4j
import pytest

from neo4j_support import Neo4jTarget, neo4j_target, small_graph  # noqa: F401
from paperkg.queries import list_queries, load_query
from paperkg.sinks.base import write_graph
from paperkg.sinks.neo4j import Neo4jSink

NAME_QUERIES = [n for n in list_queries("cypher") if any(p.type == "name" for p in load_query(n).params)]
# the value given to a name parameter: an entity of neo4j_support.small_graph, spelt otherwise than there
GIVEN: dict[str, str] = {
    "name": "LLaVA 1.5",
    "model": "llava",
    "benchmark": "science-qa",
    "dataset": "coco",
    "source": "llava-1-5",
    "target": "MS COCO",
}
# the queries that take a name and had a scan for their lookup (benchmarks/query_lookup.py keeps it)
GIVEN_QUERIES = [
    "dataset_introducers_and_users",
    "datasets_with_model",
    "entity_neighbourhood",
    "models_on_benchmark",
    "shortest_path",
]
ENTITY_LABELS = (":Entity", ":Model", ":Dataset", ":Benchmark")
SCANS = ("AllNodesScan", "NodeByLabelScan", "UnionNodeByLabelsScan", "IntersectionNodeByLabelsScan")


def operators(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operator of a plan (or profile), its root first; ``operatorType`` without ``@neo4j``."""
    op = {**plan, "operatorType": plan["operatorType"].split("@")[0]}
    return [op, *(o for child in plan.get("children", []) for o in operators(child))]


def details(op: dict[str, Any]) -> str:
    return str(op.get("args", {}).get("Details", ""))


def plan_of(target: Neo4jTarget, mode: str, name: str) -> list[dict[str, Any]]:
    """The operators of ``EXPLAIN`` or ``PROFILE`` of a saved query, its names given (GIVEN)."""
    q = load_query(name)
    given = {p.name: GIVEN[p.name] for p in q.params if p.type == "name"}
    with (
        neo4j.GraphDatabase.driver(target.uri, auth=(target.user, target.password)) as driver,
        driver.session(default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        result = session.run(cast(LiteralString, f"{mode} {q.text}"), q.bind(given))
        list(result)  # a profile is there once every row is read
        summary = result.consume()
    plan = summary.profile if mode == "PROFILE" else summary.plan
    assert plan is not None
    return operators(plan)


def test_the_name_taking_queries_are_known() -> None:
    assert set(GIVEN_QUERIES) <= set(NAME_QUERIES)
    for name in NAME_QUERIES:
        text = load_query(name).text
        assert "toLower" not in text and "aliases" not in text, "no lookup by scanning names"


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NAME_QUERIES)
def test_explain_starts_the_lookup_from_an_index_seek(neo4j_target: Neo4jTarget, name: str) -> None:  # noqa: F811
    Neo4jSink(*neo4j_target.args).close()  # the constraints (the fixture emptied the database only)
    ops = plan_of(neo4j_target, "EXPLAIN", name)
    seeks = [o for o in ops if o["operatorType"] == "NodeUniqueIndexSeek" and "NameKey(key)" in details(o)]
    names = [p for p in load_query(name).params if p.type == "name"]
    assert len(seeks) == len(names), [o["operatorType"] for o in ops]
    assert all(not o.get("children") for o in seeks), "a seek is where its branch starts"
    for p in names:
        assert any(f"${p.key_name}" in details(o) for o in seeks), p.name
    kinds = {o["operatorType"] for o in ops}
    assert "AllNodesScan" not in kinds
    entity_scans = [
        o for o in ops if o["operatorType"] in SCANS and any(x in details(o) for x in ENTITY_LABELS)
    ]
    if name == "dataset_introducers_and_users":  # the every-dataset mode; read nothing when named (below)
        assert [details(o) for o in entity_scans] == ["d:Dataset"]
    else:
        assert entity_scans == []


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NAME_QUERIES)
def test_profile_with_a_name_reads_no_scanned_entity(neo4j_target: Neo4jTarget, name: str) -> None:  # noqa: F811
    write_graph(small_graph(), Neo4jSink(*neo4j_target.args))
    ops = plan_of(neo4j_target, "PROFILE", name)
    seeks = [o for o in ops if o["operatorType"] == "NodeUniqueIndexSeek"]
    assert seeks and all(o["rows"] == 1 for o in seeks), "each name's key is found"
    for o in ops:
        if o["operatorType"] in SCANS:
            assert (o["rows"], o["dbHits"]) == (0, 0), details(o)


@pytest.mark.neo4j
def test_the_lookup_benchmark_compares_like_with_like(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "query_lookup.py"
    spec = importlib.util.spec_from_file_location("query_lookup", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = bench.run(small_graph(), neo4j_target.args, runs=1, warmup=0)
    assert out["database_intact"] and out["name_keys"] > 0
    for rank in ("most", "median"):
        queries = out[f"queries_{rank}_linked"]
        assert sorted(queries) == sorted(GIVEN_QUERIES)
        assert all(q["same_rows"] and q["index_seek_ms"] > 0 and q["scan_ms"] > 0 for q in queries.values())
        hits = out[f"entity_neighbourhood_profile_{rank}_linked"]
        assert hits["index_seek"]["lookup_db_hits"] < hits["scan"]["lookup_db_hits"]
    assert out["queries_most_linked"]["entity_neighbourhood"]["rows"] > 0

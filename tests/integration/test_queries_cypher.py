"""The 12 saved Cypher queries on a small hand-made graph (real Neo4j; see neo4j_support.py)."""

from __future__ import annotations

from typing import Any

import pytest

from neo4j_support import Neo4jTarget, neo4j_target, small_graph  # noqa: F401
from paperkg.queries import QueryError, list_queries, load_query
from paperkg.queries.cypher import run_cypher
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.neo4j import Neo4jSink
from test_sparql_queries import BY_KEY, shared_key_graph

EXPECTED: dict[str, tuple[dict[str, str], list[str], list[tuple[Any, ...]]]] = {
    "most_used_datasets": ({}, ["dataset", "papers"], [("COCO", 3), ("LLaVA-Instruct-150K", 2)]),
    "most_used_models": ({}, ["model", "papers"], [("LLaVA", 1), ("LLaVA-1.5", 1)]),
    "benchmark_leaderboard": ({}, ["benchmark", "papers"], [("ScienceQA", 2), ("MMBench", 1)]),
    "models_on_benchmark": (
        {"benchmark": "scienceqa"},
        ["model", "papers"],
        [("LLaVA", 1), ("LLaVA-1.5", 1)],
    ),
    "dataset_introducers_and_users": (
        {},
        ["dataset", "introduced_by", "used_by"],
        [
            (
                "COCO",
                "Microsoft COCO: Common Objects in Context",
                "Improved Baselines with Visual Instruction Tuning",
            ),
            ("COCO", "Microsoft COCO: Common Objects in Context", "Visual Instruction Tuning"),
            (
                "LLaVA-Instruct-150K",
                "Visual Instruction Tuning",
                "Improved Baselines with Visual Instruction Tuning",
            ),
        ],
    ),
    "datasets_with_model": (
        {"model": "large language and vision assistant"},
        ["dataset", "papers"],
        [("COCO", 1), ("LLaVA-Instruct-150K", 1)],
    ),
    "papers_with_code": (
        {},
        ["paper", "repository"],
        [
            ("Microsoft COCO: Common Objects in Context", "https://github.com/cocodataset/cocoapi"),
            ("Visual Instruction Tuning", "https://github.com/haotian-liu/LLaVA"),
        ],
    ),
    "papers_without_code": ({}, ["paper"], [("Improved Baselines with Visual Instruction Tuning",)]),
    "entity_neighbourhood": (
        {"name": "LLAVA"},
        ["neighbour", "kind", "relation", "direction"],
        [
            ("LLaVA-1.5", "model", "VARIANT_OF", "in"),
            ("LLaVA-Instruct-150K", "dataset", "TRAINED_ON", "out"),
            ("Visual Instruction Tuning", "paper", "INTRODUCES", "in"),
        ],
    ),
    "shortest_path": (
        {"source": "llava-1.5", "target": "ms coco"},
        ["source", "target", "hops"],
        [("LLaVA-1.5", "COCO", 2)],
    ),
    "introduced_per_date": (
        {},
        ["date", "entities"],
        [("2014-05-01", 1), ("2023-04-17", 3), ("2023-10-05", 1)],
    ),
    "single_paper_entities": (
        {},
        ["entity", "kind", "paper"],
        [
            ("MMBench", "benchmark", "Improved Baselines with Visual Instruction Tuning"),
            ("LLaVA", "model", "Visual Instruction Tuning"),
            ("LLaVA-1.5", "model", "Improved Baselines with Visual Instruction Tuning"),
        ],
    ),
}


def test_every_saved_query_has_an_expectation() -> None:
    # the queries on time need dated papers; integration/test_time_queries.py checks them on a dated build
    from test_time_queries import TIME_QUERIES

    assert sorted(EXPECTED) == [q for q in list_queries("cypher") if q not in TIME_QUERIES]
    assert len(EXPECTED) == 12


def test_query_headers_parse() -> None:
    for name in EXPECTED:
        q = load_query(name)
        assert q.description, name
        assert q.text.splitlines()[0].startswith(f"// {name}: ")


@pytest.fixture
def loaded(neo4j_target: Neo4jTarget) -> Neo4jTarget:  # noqa: F811
    write_graph(small_graph(), Neo4jSink(*neo4j_target.args))
    return neo4j_target


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_query_rows(loaded: Neo4jTarget, name: str) -> None:
    raw, columns, expected = EXPECTED[name]
    q = load_query(name)
    cols, rows = run_cypher(q, q.bind(raw), *loaded.args)
    assert cols == columns
    got = [tuple(r[c] for c in cols) for r in rows]
    assert got == expected
    for r in rows:
        for v in r.values():
            assert not isinstance(v, float), "numbers must be integers"


@pytest.mark.neo4j
def test_limit_and_unmatched_params(loaded: Neo4jTarget) -> None:
    q = load_query("most_used_datasets")
    _, rows = run_cypher(q, q.bind({"limit": "1"}), *loaded.args)
    assert [r["dataset"] for r in rows] == ["COCO"]
    q = load_query("shortest_path")
    _, rows = run_cypher(q, q.bind({"source": "LLaVA", "target": "no such thing"}), *loaded.args)
    assert rows == []
    q = load_query("dataset_introducers_and_users")
    _, rows = run_cypher(q, q.bind({"dataset": "llava-instruct-150k"}), *loaded.args)
    assert [r["dataset"] for r in rows] == ["LLaVA-Instruct-150K"]


@pytest.mark.neo4j
def test_lookups_go_by_name_key(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    """A name finds the entities one of whose names has its key ("gpt 4o" finds GPT-4o; "orca" both
    the model Orca and the dataset ORCA), and paths do not run through the name keys."""
    write_graph(shared_key_graph(), Neo4jSink(*neo4j_target.args))
    for name, raw, expected in BY_KEY:
        q = load_query(name)
        cols, rows = run_cypher(q, q.bind(raw), *neo4j_target.args)
        assert [tuple(r[c] for c in cols) for r in rows] == expected, (name, raw)


@pytest.mark.neo4j
def test_query_errors(loaded: Neo4jTarget) -> None:
    q = load_query("papers_with_code")
    bad = type(q)(q.name, q.backend, "MATCH (n RETURN n", q.description, q.params)
    with pytest.raises(QueryError) as exc:
        run_cypher(bad, {}, *loaded.args)
    assert "\n" not in str(exc.value)
    with pytest.raises(SinkError) as err:
        run_cypher(q, {}, loaded.uri, loaded.user, "wrong-" + loaded.password)
    assert loaded.password not in str(err.value)

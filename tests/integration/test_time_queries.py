"""The saved queries on time (new_entities_since, trending_entities, first_users_of): on a real build
of dated corpus abstracts, each Cypher query (real Neo4j) and its SPARQL twin give the same rows, and
those rows equal a count made here from graph.json."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import paperkg
from paperkg.queries import load_query
from paperkg.queries.cypher import run_cypher
from paperkg.queries.sparql import run_sparql

pytestmark = [pytest.mark.neo4j, pytest.mark.shared]
#: The saved queries that need dated papers (the sample pages' "May 6" dates have no year).
TIME_QUERIES = ("first_users_of", "new_entities_since", "trending_entities")
KINDS = ("model", "dataset", "benchmark")


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, dict[str, Any], tuple[str, str, str]]]:
    from conftest import need_shared

    uri = os.environ.get("NEO4J_URI")
    if not uri:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but NEO4J_URI is not set", pytrace=False)
        pytest.skip("NEO4J_URI is not set")
    auth = (uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", "paperkg-test"))
    corpus = need_shared() / "corpus" / "hf_daily_2025_2026.jsonl.gz"
    out = tmp_path_factory.mktemp("dated")
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        lines = list(itertools.islice(f, 800))
    (out / "in.jsonl").write_text("".join(lines), encoding="utf-8")
    result = paperkg.build([out / "in.jsonl"], paperkg.BuildOptions(out=out / "kg", html=False))
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=auth[1:]) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    paperkg.load(out / "kg" / "graph.json", paperkg.Neo4jTarget(uri, user=auth[1], password=auth[2]))
    assert result.summary.papers > 700
    yield out / "kg", json.loads((out / "kg" / "graph.json").read_text(encoding="utf-8")), auth


def _both(name: str, raw: dict[str, str], kg: Path, auth: tuple[str, str, str]) -> list[tuple[Any, ...]]:
    cq, rq = load_query(name, "cypher"), load_query(name, "rdf")
    ccols, crows = run_cypher(cq, cq.bind(raw), *auth)
    rcols, rrows = run_sparql(rq, rq.bind(raw), kg / "graph.ttl")
    c = [tuple(r[k] for k in ccols) for r in crows]
    r = [tuple(x[k] for k in rcols) for x in rrows]
    assert ccols == rcols and c == r, f"{name} {raw}: cypher {c[:3]} vs sparql {r[:3]}"
    return c


def _index(graph: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], dict[str, dict[str, set[str]]]]:
    nodes = {n["id"]: n for n in graph["nodes"]}
    dates = {i: n["date"] for i, n in nodes.items() if n["kind"] == "paper" and "date" in n}
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for e in graph["edges"]:
        links[e["target"]][e["type"]].add(e["source"])
    return nodes, dates, links


def test_new_entities_since(built: tuple[Path, dict[str, Any], tuple[str, str, str]]) -> None:
    kg, graph, auth = built
    nodes, dates, links = _index(graph)
    since = sorted(dates.values())[len(dates) // 2]
    for kind in ("", "dataset"):
        rows = _both("new_entities_since", {"date": since, "type": kind}, kg, auth)
        want = sorted(
            (n["name"], n["kind"], n["first_seen"])
            for n in nodes.values()
            if n["kind"] in KINDS and n.get("first_seen", "") >= since and kind in ("", n["kind"])
        )
        assert sorted(r[:3] for r in rows) == want and want
        for name, k, _, introduced_by in rows:
            nid = next(i for i, n in nodes.items() if n.get("name") == name and n["kind"] == k)
            intro = sorted((dates[p], nodes[p]["title"]) for p in links[nid]["INTRODUCES"] if p in dates)
            assert introduced_by == (intro[0][1] if intro else None)


def test_trending_entities(built: tuple[Path, dict[str, Any], tuple[str, str, str]]) -> None:
    kg, graph, auth = built
    nodes, dates, links = _index(graph)
    latest = dt.date.fromisoformat(max(dates.values()))
    for weeks in (1, 4):
        mid, start = (str(latest - dt.timedelta(days=7 * weeks * k)) for k in (1, 2))
        want = []
        for nid, n in nodes.items():
            if n["kind"] not in KINDS:
                continue
            ps = {
                p
                for t in ("INTRODUCES", "USES", "EVALUATES_ON")
                for p in links[nid][t]
                if dates.get(p, "") > start
            }
            recent = sum(1 for p in ps if dates[p] > mid)
            if recent > len(ps) - recent:
                want.append((n["name"], n["kind"], recent, len(ps) - recent, 2 * recent - len(ps)))
        want.sort(key=lambda w: (-w[4], -w[2], w[0], w[1]))
        rows = _both("trending_entities", {"weeks": str(weeks), "limit": "1000"}, kg, auth)
        assert rows == want and rows


def test_first_users_of(built: tuple[Path, dict[str, Any], tuple[str, str, str]]) -> None:
    kg, graph, auth = built
    nodes, dates, links = _index(graph)
    used = sorted(
        (i for i, n in nodes.items() if n["kind"] in KINDS and links[i]["USES"]),
        key=lambda i: (-len(links[i]["USES"]), i),
    )
    introduced = next(i for i in used if any(p in dates for p in links[i]["INTRODUCES"]))
    for nid in {used[0], introduced}:
        name = nodes[nid]["name"]
        start = min((dates[p] for p in links[nid]["INTRODUCES"] if p in dates), default="")
        users = (links[nid]["USES"] | links[nid]["EVALUATES_ON"]) - links[nid]["INTRODUCES"]
        want = sorted((dates[p], nodes[p]["title"]) for p in users if p in dates and dates[p] >= start)[:10]
        rows = _both("first_users_of", {"name": name}, kg, auth)
        assert [(d, t) for _, t, d in rows] == want and want

"""Benchmark: the saved queries' name lookups by index seek beside the scans they replaced, on a real Neo4j.

    .venv/bin/python benchmarks/query_lookup.py [--n 10000 --seed 1 | --graph DIR/graph.json] [--runs 25]

Builds the synthetic corpus (``benchmarks/synth.py --n N --seed S``) with ``paperkg build --no-html``
(or takes ``--graph``), loads it into Neo4j (``NEO4J_URI``, ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``; the
database is CLEARED) with the batched sink, and times each saved query that takes a name, warm (the
median of ``--runs`` runs, all rows fetched, after ``--warmup`` runs), twice with the same names: as
saved (the entity found by an index seek on ``NameKey.key``) and as it was before, finding the entity
by a scan of every entity comparing ``toLower`` of its name and aliases (:data:`SCAN_QUERIES`). The
names are canonical names, which both lookups find (``same_rows`` says whether both gave the same
rows): of the best-linked entities, and of typical ones (the median by papers), whose own rows cost
little. It also gives the ``PROFILE`` db hits of ``entity_neighbourhood`` both ways, of the whole
plan and of the lookup alone. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, LiteralString, cast

import neo4j

from paperkg.graph import KnowledgeGraph
from paperkg.model import EdgeType, NodeKind
from paperkg.queries import load_query
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.neo4j import Neo4jSink, clear

HERE = Path(__file__).resolve().parent

# The name-taking queries as they were before name keys: every entity of the label is read and its
# name and aliases compared lower-cased. One change: entity_neighbourhood and shortest_path name the
# graph's relationship types, as they do now, so that they do not walk the NAMES relationships.
_RELS = "INTRODUCES|USES|EVALUATES_ON|HAS_CODE|HAS_WEBSITE|VARIANT_OF|TRAINED_ON"
SCAN_QUERIES: dict[str, str] = {
    "entity_neighbourhood": f"""MATCH (n:Entity)
WHERE toLower(n.name) = toLower($name)
   OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) = toLower($name))
CALL (n) {{
  MATCH (n)-[r:{_RELS}]->(m)
  RETURN m, type(r) AS relation, 'out' AS direction
  UNION
  MATCH (n)<-[r:{_RELS}]-(m)
  RETURN m, type(r) AS relation, 'in' AS direction
}}
RETURN coalesce(m.name, m.title, m.url, m.id) AS neighbour,
       CASE
         WHEN m:Paper THEN 'paper'
         WHEN m:Model THEN 'model'
         WHEN m:Dataset THEN 'dataset'
         WHEN m:Benchmark THEN 'benchmark'
         WHEN m:Repository THEN 'repository'
         WHEN m:Website THEN 'website'
       END AS kind,
       relation, direction
ORDER BY neighbour, kind, relation, direction""",
    "datasets_with_model": """MATCH (m:Model)
WHERE toLower(m.name) = toLower($model)
   OR any(a IN coalesce(m.aliases, []) WHERE toLower(a) = toLower($model))
MATCH (p:Paper)-[:USES|INTRODUCES]->(m)
MATCH (p)-[:USES|INTRODUCES]->(d:Dataset)
WITH d, count(DISTINCT p) AS papers
RETURN d.name AS dataset, papers
ORDER BY papers DESC, dataset
LIMIT $limit""",
    "models_on_benchmark": """MATCH (b:Benchmark)
WHERE toLower(b.name) = toLower($benchmark)
   OR any(a IN coalesce(b.aliases, []) WHERE toLower(a) = toLower($benchmark))
MATCH (p:Paper)-[:EVALUATES_ON]->(b)
MATCH (p)-[:USES|INTRODUCES]->(m:Model)
WITH m, count(DISTINCT p) AS papers
RETURN m.name AS model, papers
ORDER BY papers DESC, model""",
    "dataset_introducers_and_users": """MATCH (d:Dataset)
WHERE $dataset = ''
   OR toLower(d.name) = toLower($dataset)
   OR any(a IN coalesce(d.aliases, []) WHERE toLower(a) = toLower($dataset))
MATCH (i:Paper)-[:INTRODUCES]->(d)
OPTIONAL MATCH (u:Paper)-[:USES]->(d)
RETURN d.name AS dataset, i.title AS introduced_by, u.title AS used_by
ORDER BY dataset, introduced_by, used_by""",
    "shortest_path": f"""MATCH (a:Entity)
WHERE toLower(a.name) = toLower($source)
   OR any(x IN coalesce(a.aliases, []) WHERE toLower(x) = toLower($source))
MATCH (b:Entity)
WHERE (toLower(b.name) = toLower($target)
   OR any(x IN coalesce(b.aliases, []) WHERE toLower(x) = toLower($target)))
  AND a <> b
MATCH path = shortestPath((a)-[:{_RELS}*..6]-(b))
RETURN a.name AS source, b.name AS target, length(path) AS hops
ORDER BY hops, source, target
LIMIT 1""",
}


def build_graph(n: int, seed: int, workdir: Path) -> tuple[Path, dict[str, float]]:
    """The synthetic corpus of ``n`` papers built with ``paperkg build --no-html``; its graph.json."""
    corpus, out = workdir / f"synth-{n}.jsonl.gz", workdir / f"build-{n}"
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "synth.py"), "--n", str(n), "--seed", str(seed), "-o", str(corpus)],
        check=True,
        capture_output=True,
    )
    t1 = time.perf_counter()
    cmd = [sys.executable, "-m", "paperkg.cli", "build", str(corpus), "--out", str(out), "--no-html", "-q"]
    subprocess.run(cmd, check=True, capture_output=True)
    t2 = time.perf_counter()
    return out / "graph.json", {"corpus_seconds": round(t1 - t0, 2), "build_seconds": round(t2 - t1, 2)}


def chosen_names(g: KnowledgeGraph, rank: str) -> dict[str, str]:
    """The canonical names the queries are given: of the model and the benchmark the most papers use
    or evaluate on, and of the most used dataset some paper introduces (``rank="most"``); or of the
    median ones among those that papers use (``rank="median"``: a typical entity, whose own rows
    cost little, so the lookup is most of the query)."""
    papers: Counter[str] = Counter(e.target for e in g.edges() if e.type is not EdgeType.INTRODUCES)
    introduced = {e.target for e in g.edges(EdgeType.INTRODUCES)}

    def pick(kind: NodeKind, introduced_only: bool = False) -> str:
        nodes = [n for n in g.nodes(kind) if papers[n.id] and (not introduced_only or n.id in introduced)]
        nodes.sort(key=lambda n: (papers[n.id], n.id))
        return str(nodes[-1 if rank == "most" else len(nodes) // 2].props["name"])

    model, dataset = pick(NodeKind.MODEL), pick(NodeKind.DATASET, introduced_only=True)
    return {
        "name": model,
        "model": model,
        "benchmark": pick(NodeKind.BENCHMARK),
        "dataset": dataset,
        "source": model,
        "target": dataset,
    }


def _rows(session: neo4j.Session, text: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(r.values()) for r in session.run(cast(LiteralString, text), params)]


def time_query(session: neo4j.Session, text: str, params: dict[str, Any], runs: int, warmup: int) -> float:
    """The median of ``runs`` warm runs (all rows fetched), in milliseconds."""
    for _ in range(warmup):
        _rows(session, text, params)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _rows(session, text, params)
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3)


def profile_hits(session: neo4j.Session, text: str, params: dict[str, Any]) -> dict[str, int]:
    """``PROFILE`` db hits: of the whole plan, and of the lookup alone (the branch that finds the
    entity: the seek or the scan and what filters it, below the first operator with two inputs)."""
    result = session.run(cast(LiteralString, f"PROFILE {text}"), params)
    list(result)  # the profile is there once every row is read
    plan = result.consume().profile
    assert plan is not None

    def total(op: dict[str, Any]) -> int:
        return int(op.get("dbHits", 0)) + sum(total(c) for c in op.get("children", []))

    def lookup(op: dict[str, Any]) -> int:
        while len(op.get("children", [])) == 1:
            op = op["children"][0]
        return total(op["children"][0] if op.get("children") else op)

    return {"db_hits": total(plan), "lookup_db_hits": lookup(plan)}


def measure(session: neo4j.Session, names: dict[str, str], runs: int, warmup: int) -> dict[str, Any]:
    """Each name-taking query timed both ways, with whether both gave the same rows."""
    out: dict[str, Any] = {}
    for name in SCAN_QUERIES:
        q = load_query(name)
        params = q.bind({p.name: names[p.name] for p in q.params if p.type == "name"})
        seek, scan = q.text, SCAN_QUERIES[name]
        out[name] = {
            "params": {k: v for k, v in params.items() if not k.endswith("_key")},
            "rows": len(_rows(session, seek, params)),
            "same_rows": _rows(session, seek, params) == _rows(session, scan, params),
            "index_seek_ms": time_query(session, seek, params, runs, warmup),
            "scan_ms": time_query(session, scan, params, runs, warmup),
        }
        out[name]["speedup"] = round(out[name]["scan_ms"] / max(out[name]["index_seek_ms"], 1e-9), 1)
    return out


def run(g: KnowledgeGraph, auth: tuple[str, str, str], runs: int, warmup: int) -> dict[str, Any]:
    """Load ``g`` into the (cleared) database and measure; the figures of the result."""
    out: dict[str, Any] = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    out["entities"] = sum(1 for n in g.nodes() if n.kind.is_entity)
    clear(*auth)
    t0 = time.perf_counter()
    write_graph(g, Neo4jSink(*auth))
    out["load_seconds"] = round(time.perf_counter() - t0, 2)
    with neo4j.GraphDatabase.driver(auth[0], auth=auth[1:]) as driver, driver.session() as session:
        out["name_keys"] = session.run("MATCH (k:NameKey) RETURN count(k) AS n").single(strict=True)["n"]
        for rank in ("most", "median"):
            names = chosen_names(g, rank)
            out[f"queries_{rank}_linked"] = measure(session, names, runs, warmup)
            q = load_query("entity_neighbourhood")
            params = q.bind({"name": names["name"]})
            out[f"entity_neighbourhood_profile_{rank}_linked"] = {
                "index_seek": profile_hits(session, q.text, params),
                "scan": profile_hits(session, SCAN_QUERIES["entity_neighbourhood"], params),
            }
        # still the graph loaded above (another client clearing the database spoils the figures)
        everything = session.run("MATCH (n) RETURN count(n) AS n").single(strict=True)["n"]
        out["database_intact"] = everything == out["nodes"] + out["name_keys"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--graph", type=Path, help="a graph.json to load (default: build the synthetic corpus)")
    ap.add_argument("--n", type=int, default=10_000, help="papers in the synthetic corpus (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=25, help="timed runs per query and lookup (median)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed runs first")
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--user", default=os.environ.get("NEO4J_USERNAME", "neo4j"))
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    args = ap.parse_args(argv)
    if not args.uri:
        print("set NEO4J_URI or pass --uri (scripts/neo4j-local start prints it)", file=sys.stderr)
        return 2
    auth = (args.uri, args.user, os.environ.get("NEO4J_PASSWORD", "paperkg-test"))
    result: dict[str, Any] = {"benchmark": "query_lookup", "uri": args.uri, "runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="paperkg-lookup-") as tmp:
        if args.graph:
            graph_file = args.graph
        else:
            graph_file, timings = build_graph(args.n, args.seed, Path(tmp))
            result.update({"papers": args.n, "seed": args.seed, **timings})
        g = KnowledgeGraph.load(graph_file)
    try:
        result.update(run(g, auth, args.runs, args.warmup))
    except (SinkError, neo4j.exceptions.Neo4jError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

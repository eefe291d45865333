"""Benchmark: batched Neo4jSink vs. a naive one-MERGE-per-transaction loader, on a real Neo4j.

    export NEO4J_URI=$(scripts/neo4j-local start | tail -n1)
    .venv/bin/python benchmarks/neo4j_load.py [--papers 20000] [--naive-rels 2000] [--out FILE]

The database at NEO4J_URI is CLEARED first. A deterministic synthetic graph (seeded; entity popularity
Zipf-distributed) is loaded with the batched sink (nodes and ~100k relationships), then the relationships are
deleted and a subset of them is re-created by the naive loader into the same nodes. Prints one JSON object:
relationships per second for both loaders and their ratio (goals: batched >= 20,000 rels/s, ratio >= 30).
The batched rate is the relationship phase (after the nodes are in); the node phase is reported apart.
The batched load runs with each of ``--writers`` (default: 1 and 2 concurrent transactions, alternating,
``--repeat`` times each; medians): one writer is the baseline, the last count is reported as "batched".
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, LiteralString, cast

import neo4j

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.neo4j_conn import connect, mapped_errors, redact_uri
from paperkg.sinks.base import SinkError, SinkReport, write_graph
from paperkg.sinks.neo4j import (
    Neo4jSink,
    clear,
    counts,
    delete_relationships,
    edge_query,
    edge_row,
    kind_of_id,
    node_query,
    node_row,
)

GOAL_RELS_PER_S = 20_000
GOAL_RATIO = 30


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(n)))


def _evidence(rng: random.Random, paper: str, name: str, confidence: float | None = None) -> dict[str, Any]:
    start = rng.randrange(0, 1500)
    return {
        "field": rng.choice(("title", "abstract", "abstract", "abstract")),
        "start": start,
        "end": start + len(name),
        "sentence": f"We evaluate {name} against strong baselines and report results on several tasks.",
        "extractor": "paperkg.extraction",
        "extractor_version": "0.1.0",
        "confidence": round(confidence if confidence is not None else rng.uniform(0.5, 1.0), 3),
        "paper": paper,
    }


def synthetic_graph(papers: int = 20_000, seed: int = 1234) -> KnowledgeGraph:
    """About 5 relationships per paper; entities drawn with Zipf-distributed popularity."""
    rng = random.Random(seed)
    g = KnowledgeGraph()
    n_models, n_datasets, n_benchmarks = papers // 6, papers // 10, papers // 40
    pools: dict[NodeKind, list[Node]] = {}
    for kind, n in (
        (NodeKind.MODEL, n_models),
        (NodeKind.DATASET, n_datasets),
        (NodeKind.BENCHMARK, n_benchmarks),
    ):
        nodes = []
        for i in range(n):
            name = f"{kind.value.capitalize()}-{i}"
            node = Node(
                f"{kind.value}:{kind.value}-{i}", kind, {"name": name, "aliases": [name, name.lower()]}
            )
            g.add_node(node)
            nodes.append(node)
        pools[kind] = nodes
    weights = {k: _zipf_weights(len(v)) for k, v in pools.items()}

    def pick(kind: NodeKind) -> Node:
        return rng.choices(pools[kind], cum_weights=weights[kind], k=1)[0]

    for i in range(papers):
        pid = f"paper:2401.{i:05d}"
        title = f"Synthetic paper {i} on {rng.choice(('vision', 'language', 'speech', 'graphs'))}"
        g.add_node(
            Node(
                pid,
                NodeKind.PAPER,
                {
                    "title": title,
                    "abstract": "A synthetic abstract. " * 10,
                    "arxiv_id": pid.removeprefix("paper:"),
                    "url": f"https://arxiv.org/abs/{pid.removeprefix('paper:')}",
                    "authors": [f"Author {rng.randrange(5000)}" for _ in range(3)],
                    "categories": ["cs.CL"],
                    "dates": [f"2024-01-{1 + i % 28:02d}"],
                    "sources": ["synthetic.jsonl"],
                },
            )
        )
        if rng.random() < 0.5:  # introduces an entity from the long tail
            kind = rng.choice((NodeKind.MODEL, NodeKind.DATASET, NodeKind.BENCHMARK))
            e = pools[kind][rng.randrange(len(pools[kind]) // 2, len(pools[kind]))]
            g.add_edge(Edge(pid, e.id, EdgeType.INTRODUCES, _evidence(rng, pid, e.props["name"])))
        for _ in range(rng.randint(2, 4)):
            e = pick(rng.choice((NodeKind.MODEL, NodeKind.DATASET)))
            g.add_edge(Edge(pid, e.id, EdgeType.USES, _evidence(rng, pid, e.props["name"])))
        for _ in range(rng.randint(1, 2)):
            e = pick(NodeKind.BENCHMARK)
            g.add_edge(Edge(pid, e.id, EdgeType.EVALUATES_ON, _evidence(rng, pid, e.props["name"])))
        if rng.random() < 0.5:
            url = f"https://github.com/org{i % 997}/repo{i}"
            rid = f"repo:{url.removeprefix('https://')}"
            g.add_node(Node(rid, NodeKind.REPOSITORY, {"name": url, "url": url, "url_kind": "code"}))
            g.add_edge(Edge(pid, rid, EdgeType.HAS_CODE, _evidence(rng, pid, url, 0.95)))
    for m in pools[NodeKind.MODEL][: n_models // 10]:
        d = pick(NodeKind.DATASET)
        g.add_edge(Edge(m.id, d.id, EdgeType.TRAINED_ON, _evidence(rng, "paper:2401.00000", d.props["name"])))
    for i in range(1, n_models // 20):
        g.add_edge(
            Edge(
                pools[NodeKind.MODEL][i].id,
                pools[NodeKind.MODEL][0].id,
                EdgeType.VARIANT_OF,
                {"extractor": "paperkg.resolve", "extractor_version": "0.1.0", "confidence": 0.9},
            )
        )
    return g


def emit(result: dict[str, Any], out: Path | None) -> None:
    """Print the result as indented JSON, and also write it to ``out`` when given."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")


def _write_one(tx: neo4j.ManagedTransaction, query: str, row: dict[str, Any]) -> int:
    record = tx.run(cast(LiteralString, query), rows=[row]).single()
    return int(record["n"]) if record is not None else 0


def load_naive(
    uri: str,
    user: str,
    password: str,
    nodes: Iterable[Node],
    edges: Iterable[Edge],
    database: str | None = None,
) -> SinkReport:
    """One ``MERGE`` per row, each in its own transaction: the baseline of the batched sink."""
    driver = connect(uri, user, password)
    n = e = 0
    try:
        with mapped_errors(uri, user, password), driver.session(database=database) as session:
            for node in nodes:
                n += session.execute_write(_write_one, node_query(node.kind), node_row(node))
            for edge in edges:
                kinds = kind_of_id(edge.source), kind_of_id(edge.target)
                if kinds[0] is None or kinds[1] is None:
                    raise SinkError(f"edge endpoint of {edge.source!r} -> {edge.target!r} has no known kind")
                q = edge_query(kinds[0], edge.type, kinds[1])
                e += session.execute_write(_write_one, q, edge_row(edge))
    finally:
        driver.close()
    return SinkReport(n, e, redact_uri(uri))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _has_rust_ext() -> bool:
    try:
        import neo4j._rust  # noqa: F401  (the optional neo4j-rust-ext package)
    except ImportError:
        return False
    return True


def _batched_load(
    g: KnowledgeGraph, auth: tuple[str, str, str], batch_size: int, writers: int
) -> dict[str, Any]:
    """Load ``g`` into the emptied database with Neo4jSink: its nodes, then its relationships, timed apart."""
    clear(*auth)
    cpu0 = _cpu()
    t0 = time.perf_counter()
    sink = Neo4jSink(*auth, batch_size=batch_size, writers=writers)
    for node in g.nodes():
        sink.write_node(node)
    sink.flush()
    t1 = time.perf_counter()
    for edge in g.edges():
        sink.write_edge(edge)
    report = sink.finalize()
    t2 = time.perf_counter()
    assert (report.nodes, report.edges) == (g.number_of_nodes(), g.number_of_edges()), report
    nodes_s, rels_s = t1 - t0, t2 - t1
    return {
        "batch_size": batch_size,
        "writers": writers,
        "seconds": round(t2 - t0, 2),
        "node_phase_seconds": round(nodes_s, 2),
        "relationship_phase_seconds": round(rels_s, 2),
        "nodes_per_s": round(g.number_of_nodes() / nodes_s),
        "relationships_per_s": round(g.number_of_edges() / rels_s),
        "client_cpu_seconds": round(_cpu() - cpu0, 2),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median relationship rate, with every run's rate beside it."""
    ordered = sorted(runs, key=lambda r: r["relationships_per_s"])
    rates = [r["relationships_per_s"] for r in runs]
    return {**ordered[(len(ordered) - 1) // 2], "runs_relationships_per_s": rates}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--user", default=os.environ.get("NEO4J_USERNAME", "neo4j"))
    ap.add_argument("--papers", type=int, default=20_000)
    ap.add_argument("--naive-rels", type=int, default=2_000)
    ap.add_argument("--batch-size", type=int, default=1_000)
    ap.add_argument(
        "--writers",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 2],
        help="Neo4jSink writer counts to time, comma-separated (the last is reported as 'batched')",
    )
    ap.add_argument("--repeat", type=int, default=2, help="loads per writer count (median reported)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--warmup", type=int, default=2_000, help="papers in a warm-up load (0: none)")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    args = ap.parse_args(argv)
    if not args.uri:
        print("set NEO4J_URI or pass --uri (scripts/neo4j-local start prints it)", file=sys.stderr)
        return 2
    password = os.environ.get("NEO4J_PASSWORD", "paperkg-test")
    auth = (args.uri, args.user, password)

    try:
        t0 = time.perf_counter()
        g = synthetic_graph(args.papers, args.seed)
        build_s = time.perf_counter() - t0
        nodes, rels = g.number_of_nodes(), g.number_of_edges()

        if args.warmup:  # warm the server's JIT with a small load, as a long-running server would be
            clear(*auth)
            write_graph(
                synthetic_graph(args.warmup, args.seed + 1), Neo4jSink(*auth, batch_size=args.batch_size)
            )
        runs: dict[int, list[dict[str, Any]]] = {w: [] for w in args.writers}
        for _ in range(args.repeat):  # the writer counts alternate, so drift in the server hits each alike
            for writers in args.writers:
                runs[writers].append(_batched_load(g, auth, args.batch_size, writers))
        loaded = counts(*auth)
        assert loaded["nodes"]["*"] == nodes and loaded["relationships"]["*"] == rels, loaded

        # The naive loader re-creates a subset of the relationships between the already loaded nodes.
        delete_relationships(*auth)
        subset = list(itertools.islice(g.edges(), args.naive_rels))
        t0 = time.perf_counter()
        naive = load_naive(*auth, [], subset)
        naive_s = time.perf_counter() - t0
        assert naive.edges == len(subset)
    except SinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    batched = _median_run(runs[args.writers[-1]])
    batched_rate = batched["relationships_per_s"]
    naive_rate = len(subset) / naive_s
    result = {
        "benchmark": "neo4j_load",
        "uri": args.uri,
        "seed": args.seed,
        "papers": args.papers,
        "nodes": nodes,
        "relationships": rels,
        "graph_build_seconds": round(build_s, 2),
        "batched": batched,
        "by_writers": {str(w): _median_run(r) for w, r in runs.items()},
        "naive": {
            "relationships": len(subset),
            "seconds": round(naive_s, 2),
            "relationships_per_s": round(naive_rate),
        },
        "ratio": round(batched_rate / naive_rate, 1),
        "goals": {
            "batched_relationships_per_s": GOAL_RELS_PER_S,
            "ratio": GOAL_RATIO,
            "met": batched_rate >= GOAL_RELS_PER_S and batched_rate / naive_rate >= GOAL_RATIO,
        },
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "neo4j_rust_ext": _has_rust_ext(),
        },
    }
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

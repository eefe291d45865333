"""RDF export speed: rdflib's own Turtle serializer vs paperkg's RdfSink fast path, in the same run.

    .venv/bin/python benchmarks/rdf_export.py [--papers 15000] [--seed 7] [--out DIR]

Builds a deterministic synthetic graph (``--papers`` papers, entities shared Zipf-like, evidence on
every edge), exports it with :class:`paperkg.sinks.rdf.RdfSink` (Turtle), then serializes the very
same triples with rdflib (the triples are loaded into an ``rdflib.Graph`` first; that load is timed
separately and NOT counted against rdflib). Prints one JSON object:
``{triples, rdflib_triples_per_s, fast_triples_per_s, ratio, ...}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import XSD

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import write_graph
from paperkg.sinks.rdf import RdfSink

WORDS = [
    *("vision", "language", "model", "instruction", "tuning", "dataset", "benchmark", "large", "scale"),
    *("efficient", "robust", "transformer", "diffusion", "retrieval", "reasoning", "multimodal"),
    *("sparse", "adaptive", "contrastive"),
]


def synthetic_graph(papers: int, seed: int) -> KnowledgeGraph:
    rng = random.Random(seed)
    g = KnowledgeGraph()
    n_ent = max(10, papers // 5)
    kinds = (NodeKind.MODEL, NodeKind.DATASET, NodeKind.BENCHMARK)
    ents: dict[NodeKind, list[str]] = {k: [] for k in kinds}
    for i in range(n_ent):
        kind = kinds[i % 3]
        name = f"{rng.choice(WORDS).capitalize()}-{i}"
        nid = f"{kind.value}:{name.lower()}"
        g.add_node(Node(nid, kind, {"name": name, "aliases": [name, name.upper()]}))
        ents[kind].append(nid)

    def pick(kind: NodeKind) -> str:
        pool = ents[kind]
        return pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)]

    for i in range(papers):
        pid = f"paper:{2400 + i // 10000}.{i % 10000:05d}"
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f' "{i}"'
        abstract = " ".join(rng.choice(WORDS) for _ in range(60)) + ".\nSecond line \\ with a backslash."
        g.add_node(
            Node(
                pid,
                NodeKind.PAPER,
                {
                    "title": title,
                    "abstract": abstract,
                    "arxiv_id": pid[6:],
                    "url": f"https://arxiv.org/abs/{pid[6:]}",
                    "authors": [f"Author {a}" for a in rng.sample(range(10000), rng.randint(1, 6))],
                    "categories": ["cs.CL", "cs.CV"][: rng.randint(1, 2)],
                    "dates": [f"2024-0{1 + i % 9}-1{i % 10}"],
                    "sources": ["synthetic.jsonl"],
                },
            )
        )
        links = [(EdgeType.USES, pick(NodeKind.DATASET)), (EdgeType.USES, pick(NodeKind.MODEL))]
        links.append((EdgeType.EVALUATES_ON, pick(NodeKind.BENCHMARK)))
        if i % 4 == 0:
            links.append((EdgeType.INTRODUCES, pick(NodeKind.MODEL)))
        for typ, target in links:
            g.add_edge(
                Edge(
                    pid,
                    target,
                    typ,
                    {
                        "field": "abstract",
                        "start": 10,
                        "end": 20,
                        "sentence": abstract[:120],
                        "extractor": "paperkg.extraction",
                        "extractor_version": "0.1.0",
                        "confidence": round(rng.random(), 3),
                        "paper": pid,
                    },
                )
            )
        if i % 3 == 0:
            rid = f"repo:github.com/u{i}/r{i}"
            url = f"https://github.com/u{i}/r{i}"
            g.add_node(Node(rid, NodeKind.REPOSITORY, {"name": url, "url": url, "url_kind": "code"}))
            g.add_edge(
                Edge(pid, rid, EdgeType.HAS_CODE, {"extractor": "paperkg.extraction", "confidence": 1.0})
            )
    return g


def rdflib_graph(path: Path) -> rdflib.Graph:
    iris: dict[str, rdflib.URIRef] = {}
    dts: dict[str, rdflib.URIRef] = {}
    xsd_string = str(XSD.string)

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
        if isinstance(t, ox.NamedNode):
            v = t.value
            r = iris.get(v)
            if r is None:
                r = iris[v] = rdflib.URIRef(v)
            return r
        if isinstance(t, ox.Literal):
            dt = t.datatype.value
            if dt == xsd_string:
                return rdflib.Literal(t.value)
            if t.language:
                return rdflib.Literal(t.value, lang=t.language)
            return rdflib.Literal(t.value, datatype=dts.setdefault(dt, rdflib.URIRef(dt)))
        return rdflib.BNode(t.value)

    g = rdflib.Graph()
    g.addN((term(q.subject), term(q.predicate), term(q.object), g) for q in ox.parse(path=path))
    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=15_000, help="15000 papers: about 1M triples")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None, help="keep the output files in this directory")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    g = synthetic_graph(args.papers, args.seed)
    build_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        fast_path = out / "fast.ttl"
        t0 = time.perf_counter()
        sink = RdfSink(fast_path, "ttl")
        write_graph(g, sink)
        fast_s = time.perf_counter() - t0
        triples = sink.triples

        # the same triples into an rdflib.Graph (parsed by pyoxigraph, converted to rdflib terms;
        # this load is reported but not counted against rdflib's serializer)
        t0 = time.perf_counter()
        rg = rdflib_graph(fast_path)
        rdflib_load_s = time.perf_counter() - t0
        if len(rg) != triples:
            print(f"triple counts differ: rdflib {len(rg)} vs sink {triples}", file=sys.stderr)
            return 1
        t0 = time.perf_counter()
        rg.serialize(out / "rdflib.ttl", format="turtle")
        rdflib_s = time.perf_counter() - t0

    result = {
        "papers": args.papers,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "triples": triples,
        "graph_build_s": round(build_s, 3),
        "fast_s": round(fast_s, 3),
        "rdflib_load_s": round(rdflib_load_s, 3),
        "rdflib_serialize_s": round(rdflib_s, 3),
        "rdflib_triples_per_s": round(triples / rdflib_s),
        "fast_triples_per_s": round(triples / fast_s),
        "ratio": round(rdflib_s / fast_s, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

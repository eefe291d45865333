"""How fast does the HTML graph become interactive? Prints JSON.

Generates synthetic knowledge graphs (deterministic seed, heavy-tailed entity popularity:
a few datasets/models/benchmarks linked by thousands of papers, most by one or two), writes
them with :class:`paperkg.sinks.html.HtmlSink`, opens each page from ``file://`` in headless
Debian chromium (every non-file request aborted and counted) and measures

* ``build_s``: HtmlSink.finalize (selection, layout, JSON, file write), in Python;
* ``interactive_ms``: in-page ``performance.now()`` when the first ``afterDrawing`` after data
  load fired and ``window.paperkg.ready`` became true (0 = navigation start);
* ``wall_s``: ``page.goto`` until ``window.paperkg.ready`` as seen from Python.

Goals: 5,000 nodes interactive < 3 s, 20,000 nodes < 10 s.

    .venv/bin/python benchmarks/html_load.py [--sizes 5000 20000] [--runs 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import write_graph
from paperkg.sinks.html import CHROMIUM_ARGS, CHROMIUM_PATH, HtmlSink

GOALS_S = {5000: 3.0, 20000: 10.0}
SHARES = {  # of all nodes
    NodeKind.PAPER: 0.55,
    NodeKind.MODEL: 0.12,
    NodeKind.DATASET: 0.10,
    NodeKind.BENCHMARK: 0.05,
    NodeKind.REPOSITORY: 0.13,
    NodeKind.WEBSITE: 0.05,
}
WORDS = tuple(
    [
        "scaling",
        "efficient",
        "multimodal",
        "reasoning",
        "vision",
        "language",
        "instruction",
        "tuning",
        "sparse",
        "attention",
        "diffusion",
        "retrieval",
        "augmented",
        "agents",
        "benchmark",
        "robust",
        "alignment",
        "preference",
        "optimization",
        "long",
        "context",
        "quantization",
        "distillation",
        "segmentation",
        "detection",
        "video",
        "audio",
        "graph",
    ]
)


def _evidence(rng: random.Random, paper_id: str, name: str) -> dict[str, Any]:
    sentence = f"We {rng.choice(['train', 'evaluate', 'fine-tune', 'compare'])} on {name} and " + " ".join(
        rng.choice(WORDS) for _ in range(rng.randint(6, 20))
    )
    return {
        "field": "abstract",
        "start": 10,
        "end": 10 + len(name),
        "sentence": sentence + ".",
        "extractor": "paperkg.extraction",
        "extractor_version": "bench",
        "confidence": round(rng.uniform(0.5, 1.0), 3),
        "paper": paper_id,
    }


def synthetic_graph(n_nodes: int, seed: int = 42) -> KnowledgeGraph:
    """A deterministic graph of about ``n_nodes`` nodes shaped like a real paperkg graph."""
    rng = random.Random(seed)
    count = {k: max(1, round(n_nodes * s)) for k, s in SHARES.items()}
    count[NodeKind.PAPER] += n_nodes - sum(count.values())
    g = KnowledgeGraph()
    papers = []
    for i in range(count[NodeKind.PAPER]):
        pid = f"paper:{2400 + i // 10000}.{i % 10000:05d}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14))).capitalize()
        g.add_node(
            Node(
                pid,
                NodeKind.PAPER,
                {"title": title, "arxiv_id": pid[6:], "authors": [f"Author {rng.randint(1, 999)}"]},
            )
        )
        papers.append(pid)
    entities: dict[NodeKind, list[str]] = {}
    for kind in (NodeKind.MODEL, NodeKind.DATASET, NodeKind.BENCHMARK):
        ids = []
        for i in range(count[kind]):
            name = f"{kind.value.capitalize()}{i}-{rng.choice(WORDS)}"
            nid = f"{kind.value}:{name.lower()}"
            g.add_node(Node(nid, kind, {"name": name, "aliases": [name, name.replace("-", " ")]}))
            ids.append(nid)
        entities[kind] = ids
    # Zipf-like popularity: the entity of rank r is chosen with weight 1 / (r + 1) ** 1.1.
    weights = {k: [1.0 / (r + 1) ** 1.1 for r in range(len(v))] for k, v in entities.items()}
    for ids in entities.values():
        for nid in ids:  # every entity is introduced by one paper
            pid = rng.choice(papers)
            g.add_edge(Edge(pid, nid, EdgeType.INTRODUCES, _evidence(rng, pid, nid)))
    for pid in papers:
        for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6))):
            kind = rng.choice((NodeKind.MODEL, NodeKind.DATASET, NodeKind.DATASET, NodeKind.BENCHMARK))
            nid = rng.choices(entities[kind], weights[kind])[0]
            etype = EdgeType.EVALUATES_ON if kind is NodeKind.BENCHMARK else EdgeType.USES
            g.add_edge(Edge(pid, nid, etype, _evidence(rng, pid, nid)))
    for kind, etype in ((NodeKind.REPOSITORY, EdgeType.HAS_CODE), (NodeKind.WEBSITE, EdgeType.HAS_WEBSITE)):
        for i in range(count[kind]):
            host = "github.com" if kind is NodeKind.REPOSITORY else "example.org"
            url = f"https://{host}/lab{i % 97}/project-{i}"
            nid = ("repo:" if kind is NodeKind.REPOSITORY else "web:") + url[8:]
            props = {
                "name": url,
                "url": url,
                "url_kind": "code" if kind is NodeKind.REPOSITORY else "project",
            }
            g.add_node(Node(nid, kind, props))
            pid = rng.choice(papers)
            g.add_edge(Edge(pid, nid, etype, _evidence(rng, pid, url)))
    models, datasets = entities[NodeKind.MODEL], entities[NodeKind.DATASET]
    for i, mid in enumerate(models):
        if i > 5 and rng.random() < 0.15:
            family = models[rng.randrange(0, min(i, 50))]
            g.add_edge(
                Edge(mid, family, EdgeType.VARIANT_OF, {"extractor": "paperkg.resolve", "confidence": 1.0})
            )
        if rng.random() < 0.2:
            did = rng.choices(datasets, weights[NodeKind.DATASET])[0]
            g.add_edge(Edge(mid, did, EdgeType.TRAINED_ON, _evidence(rng, rng.choice(papers), did)))
    return g


def _router(requests: list[str]) -> Any:
    """A route handler that records every request and lets only file:// through."""

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            r.abort()

    return route


def measure(sizes: list[int], runs: int, out: Path, seed: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
        try:
            for size in sizes:
                graph = synthetic_graph(size, seed)
                page_path = out / f"graph-{size}.html"
                sink = HtmlSink(page_path, title=f"synthetic {size}")
                t = time.perf_counter()
                write_graph(graph, sink)
                build_s = time.perf_counter() - t
                interactive, wall, blocked = [], [], []
                drawn = 0
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1600, "height": 1000})
                    page = context.new_page()
                    requests: list[str] = []
                    page.route("**/*", _router(requests))
                    t = time.perf_counter()
                    page.goto(page_path.resolve().as_uri(), timeout=120_000)
                    page.wait_for_function("window.paperkg && window.paperkg.ready", timeout=120_000)
                    wall.append(time.perf_counter() - t)
                    timings = page.evaluate("window.paperkg.timings")
                    interactive.append(timings["interactive"] / 1000.0)
                    drawn = page.evaluate("window.paperkg.drawnNodeIds().length")
                    blocked.extend(u for u in requests if not u.startswith("file:"))
                    context.close()
                goal = GOALS_S.get(size)
                best = statistics.median(interactive)
                results.append(
                    {
                        "nodes": graph.number_of_nodes(),
                        "edges": graph.number_of_edges(),
                        "drawn_nodes": drawn,
                        "html_bytes": page_path.stat().st_size,
                        "build_s": round(build_s, 3),
                        "interactive_s_median": round(best, 3),
                        "interactive_s_runs": [round(x, 3) for x in interactive],
                        "wall_s_median": round(statistics.median(wall), 3),
                        "network_requests": len(blocked),
                        "goal_s": goal,
                        "meets_goal": None if goal is None else best < goal,
                    }
                )
        finally:
            browser.close()
    return {"benchmark": "html_load", "seed": seed, "runs": runs, "results": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, help="keep the generated pages here (default: a temporary directory)")
    args = ap.parse_args(argv)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        report = measure(args.sizes, args.runs, args.out, args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="paperkg-html-") as tmp:
            report = measure(args.sizes, args.runs, Path(tmp), args.seed)
    print(json.dumps(report, indent=2))
    return (
        0 if all(r["meets_goal"] is not False and not r["network_requests"] for r in report["results"]) else 1
    )


if __name__ == "__main__":
    sys.exit(main())

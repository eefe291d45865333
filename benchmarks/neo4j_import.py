"""Benchmark: the bulk path into Neo4j (Neo4j CSVs, then ``neo4j-admin database import full``) beside
the batched Bolt loader, on the same synthetic graph.

    export NEO4J_URI=$(scripts/neo4j-local start | tail -n1)
    .venv/bin/python benchmarks/neo4j_import.py [--papers 100000] [--out FILE]

The graph is ``neo4j_load.synthetic_graph`` (seeded, Zipf-popular entities, about 5 relationships
per paper). The bulk path: the CSV export (Neo4jCsvSink), then neo4j-admin from the launcher's
Maven jars (``scripts/neo4j-local start`` builds them) into a new Neo4j home. The Bolt path:
Neo4jSink into the database at NEO4J_URI (CLEARED first). Prints one JSON object with the seconds
of each step, relationships per second of each path, and the counts neo4j-admin reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j_load import emit, synthetic_graph

from paperkg.sinks.base import write_graph
from paperkg.sinks.neo4j import Neo4jSink, clear, counts
from paperkg.sinks.neo4j_csv import Neo4jCsvSink

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "scripts" / "neo4j-launcher" / "target"


def admin_import(csv_dir: Path, command: list[str], work: Path, heap: str) -> tuple[float, str]:
    """Run neo4j-admin's import (argv ``command`` without its program) into a new home under
    ``work``; returns its seconds and its output."""
    home = work / "home"
    (home / "conf").mkdir(parents=True)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    java = ["java", f"-Xmx{heap}", "-cp", f"{TARGET / 'classes'}:{TARGET / 'lib'}/*"]
    t0 = time.perf_counter()
    done = subprocess.run(
        [*java, "org.neo4j.cli.AdminTool", *command], env=env, cwd=work, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    output = done.stdout + done.stderr
    if done.returncode != 0 or "IMPORT DONE" not in output:
        raise RuntimeError(f"neo4j-admin import failed ({done.returncode}): {output[-1500:]}")
    return seconds, output


def _imported(output: str, what: str) -> int | None:
    """A count from neo4j-admin's closing lines ("Imported: 123 nodes 456 relationships ...")."""
    m = re.search(rf"([\d,]+) {what}", output.split("IMPORT DONE", 1)[-1])
    return int(m.group(1).replace(",", "")) if m else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--user", default=os.environ.get("NEO4J_USERNAME", "neo4j"))
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--admin-heap", default="1g", help="neo4j-admin's JVM heap")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    args = ap.parse_args(argv)
    if not args.uri:
        print("set NEO4J_URI or pass --uri (scripts/neo4j-local start prints it)", file=sys.stderr)
        return 2
    if not (TARGET / "lib").is_dir():
        print("the Neo4j launcher is not built: run scripts/neo4j-local start once", file=sys.stderr)
        return 2
    auth = (args.uri, args.user, os.environ.get("NEO4J_PASSWORD", "paperkg-test"))
    g = synthetic_graph(args.papers, args.seed)
    nodes, rels = g.number_of_nodes(), g.number_of_edges()
    result: dict[str, Any] = {"benchmark": "neo4j_import", "papers": args.papers, "nodes": nodes}
    result["relationships"] = rels
    with tempfile.TemporaryDirectory(prefix="paperkg-import-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        sink = Neo4jCsvSink(work / "csv")
        write_graph(g, sink)
        csv_s = time.perf_counter() - t0
        import_s, output = admin_import(work / "csv", sink.command()[1:], work, args.admin_heap)
    result["bulk"] = {
        "csv_export_seconds": round(csv_s, 2),
        "neo4j_admin_import_seconds": round(import_s, 2),
        "seconds": round(csv_s + import_s, 2),
        "relationships_per_s": round(rels / (csv_s + import_s)),
        "imported_nodes": _imported(output, "nodes"),
        "imported_relationships": _imported(output, "relationships"),
    }
    imported = result["bulk"]["imported_nodes"], result["bulk"]["imported_relationships"]
    if None in imported or imported[0] < nodes or imported[1] < rels:  # name keys come on top
        raise RuntimeError(f"neo4j-admin imported {imported}, fewer than the {nodes} nodes, {rels} rels")
    print(f"bulk: {json.dumps(result['bulk'])}", file=sys.stderr, flush=True)
    clear(*auth)
    t0 = time.perf_counter()
    report = write_graph(g, Neo4jSink(*auth))
    bolt_s = time.perf_counter() - t0
    loaded = counts(*auth)
    assert (report.nodes, report.edges) == (nodes, rels), report
    assert loaded["relationships"]["*"] == rels, loaded
    result["bolt"] = {"seconds": round(bolt_s, 2), "relationships_per_s": round(rels / bolt_s)}
    result["bulk_speedup"] = round(bolt_s / (csv_s + import_s), 2)
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    result["machine"]["load_average_1m"] = round(os.getloadavg()[0], 2)
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark in benchmarks/ and collect their JSON into one document.

    .venv/bin/python benchmarks/run.py [--quick] [--only NAME ...] [--skip NAME ...] [--out FILE]

Runs, each as its own process with this interpreter: extract_speed, build_scale, rdf_export,
neo4j_load (when NEO4J_URI is set, or ``scripts/neo4j-local start`` can start the local server, which
is then stopped again; the benchmark CLEARS that database), html_load and spark_extract (when
pyspark is installed), with modest sizes
(``--quick``: small sizes for a smoke test, a few minutes at most). Prints one JSON document,
``{"headline": [...], "benchmarks": {name: {...}}}``, and writes it to
``benchmarks/results/latest.json``. Every headline figure stands next to its baseline measured in
the same run (the bare tokenizer for the extractor, rdflib for the Turtle export, the naive loader for
Neo4j, ``--jobs 1`` and the in-process extractor for the build, the full build for ``--update``); for
the HTML page the baseline is the goal, not a measurement. Each headline row's ``ratio`` is
``value / baseline_value``; ``better`` says whether a higher or a lower value is the better one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NEO4J_LOCAL = ROOT / "scripts" / "neo4j-local"
DEFAULT_OUT = HERE / "results" / "latest.json"
# Real abstracts: the unlabelled corpus of the listings (its second half is timed: 5,320 abstracts),
# else the gold dev papers (too few for a steady rate: an information row then).
REAL_CORPUS = ROOT.parent / "shared" / "corpus" / "hf_daily_2025_2026.jsonl.gz"
REAL_PAPERS = REAL_CORPUS if REAL_CORPUS.is_file() else ROOT.parent / "shared" / "gold" / "dev_papers.jsonl"
REAL_STEADY = 2000  # timed real abstracts enough for a steady rate, and so for a goal row


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    args: list[str]
    quick_args: list[str]
    timeout_s: float


def _real() -> list[str]:
    return ["--real", str(REAL_PAPERS)] if REAL_PAPERS.is_file() else []


def _jobs() -> list[str]:
    n = min(2, os.cpu_count() or 1)
    return ["--jobs", str(n), "--compare-jobs"] if n > 1 else []


BENCHES: tuple[Bench, ...] = (
    Bench(
        "extract_speed",
        "extract_speed.py",
        ["--n", "3000", "--repeats", "3", "--fixed-vocabulary", *_real()],
        ["--n", "300", "--warmup", "50", *_real()],
        900,
    ),
    Bench(
        "build_scale",
        "build_scale.py",
        ["--sizes", "10000", "100000", "--update", "1000", *_jobs()],
        ["--sizes", "300", "1000", "--update", "100", *_jobs()],
        3600,
    ),
    Bench("rdf_export", "rdf_export.py", ["--papers", "5000"], ["--papers", "1000"], 900),
    Bench(
        "neo4j_load",
        "neo4j_load.py",
        ["--papers", "10000", "--naive-rels", "1000"],
        ["--papers", "1000", "--naive-rels", "200"],
        1800,
    ),
    Bench(
        "html_load",
        "html_load.py",
        ["--sizes", "5000", "20000", "--runs", "1"],
        ["--sizes", "1000", "--runs", "1"],
        900,
    ),
    # Spark local mode against paperkg extract --jobs 2 (prints {"skipped": ...} without pyspark)
    Bench("spark_extract", "spark_extract.py", ["--n", "100000"], ["--n", "2000"], 3600),
)
NAMES = tuple(b.name for b in BENCHES)


def parse_json(text: str) -> Any:
    """The (last) JSON object a benchmark printed on stdout, or None."""
    decoder = json.JSONDecoder()
    found: Any = None
    i = text.find("{")
    while i != -1:
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            i = text.find("{", i + 1)
            continue
        found = value
        i = text.find("{", end)
    return found


def run_bench(bench: Bench, quick: bool, env: dict[str, str]) -> dict[str, Any]:
    argv = [sys.executable, str(HERE / bench.script), *(bench.quick_args if quick else bench.args)]
    shown = ["python", f"benchmarks/{bench.script}", *argv[2:]]
    print(f"run.py: {' '.join(shown)}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=bench.timeout_s, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        return {
            "command": " ".join(shown),
            "exit_code": None,
            "error": f"timed out after {bench.timeout_s:.0f}s",
            "wall_s": round(time.perf_counter() - t0, 1),
        }
    out: dict[str, Any] = {
        "command": " ".join(shown),
        "exit_code": proc.returncode,
        "wall_s": round(time.perf_counter() - t0, 1),
        "result": parse_json(proc.stdout),
    }
    if proc.returncode != 0 or out["result"] is None:
        tail = [line for line in proc.stderr.strip().splitlines() if line.strip()][-5:]
        out["stderr_tail"] = tail
    if out["result"] is None:
        out["error"] = "no JSON on stdout"
    return out


# ---------------------------------------------------------------- Neo4j
class Neo4jLocal:
    """NEO4J_URI if set, else the local server of scripts/neo4j-local (started here, stopped after)."""

    def __init__(self, allow_start: bool) -> None:
        self.allow_start = allow_start
        self.started = False
        self.uri: str | None = os.environ.get("NEO4J_URI") or None
        self.note = "NEO4J_URI" if self.uri else ""

    def __enter__(self) -> Neo4jLocal:
        if self.uri:
            return self
        if not NEO4J_LOCAL.exists():
            self.note = "no NEO4J_URI and no scripts/neo4j-local"
            return self
        status = subprocess.run([str(NEO4J_LOCAL), "status"], capture_output=True, text=True, check=False)
        if status.returncode == 0:
            self.uri = status.stdout.split()[-1]
            self.note = "scripts/neo4j-local (already running)"
            return self
        if not self.allow_start:
            self.note = "no NEO4J_URI and the local server is not running (--no-neo4j-start)"
            return self
        print("run.py: scripts/neo4j-local start", file=sys.stderr, flush=True)
        start = subprocess.run([str(NEO4J_LOCAL), "start"], capture_output=True, text=True, check=False)
        lines = start.stdout.strip().splitlines()
        if start.returncode == 0 and lines:
            self.uri = lines[-1].strip()
            self.started = True
            self.note = "scripts/neo4j-local (started and stopped by run.py)"
        else:
            err = [line for line in start.stderr.strip().splitlines() if line.strip()]
            self.note = "scripts/neo4j-local start failed: " + (
                err[-1] if err else f"exit {start.returncode}"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started:
            print("run.py: scripts/neo4j-local stop", file=sys.stderr, flush=True)
            subprocess.run([str(NEO4J_LOCAL), "stop"], capture_output=True, text=True, check=False)


# ---------------------------------------------------------------- headline: figure next to baseline
def _line(
    bench: str, figure: str, value: Any, baseline: str, base_value: Any, unit: str = "", higher: bool = True
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "benchmark": bench,
        "figure": figure,
        "value": value,
        "baseline": baseline,
        "baseline_value": base_value,
    }
    if unit:
        row["unit"] = unit
    if isinstance(value, int | float) and isinstance(base_value, int | float) and base_value:
        row["ratio"] = round(value / base_value, 3)  # always value / baseline_value
    row["better"] = "higher" if higher else "lower"
    return row


def _get(d: Any, *path: Any) -> Any:
    for p in path:
        try:
            d = d[p]
        except (KeyError, IndexError, TypeError):
            return None
    return d


def headline(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    ex = _get(results, "extract_speed", "result")
    if ex:
        rows.append(
            _line(
                "extract_speed",
                f"extractor, abstracts/s ({ex['abstracts']} abstracts, 1 process)",
                ex["extractor_per_s"],
                "spaCy blank('en') tokenizer, abstracts/s",
                ex["tokenizer_per_s"],
            )
        )
    bs = _get(results, "build_scale", "result")
    if bs:
        ok = [r for r in bs.get("runs", []) if r.get("exit_code") == 0]
        if ok:
            big = ok[-1]
            jobs = bs.get("jobs") or 1
            if ex:
                rows.append(
                    _line(
                        "build_scale",
                        f"paperkg build, papers/s ({big['papers']} papers, --jobs {jobs}, end to end)",
                        big.get("papers_per_s"),
                        "extractor alone in one process, abstracts/s (extract_speed)",
                        ex["extractor_per_s"],
                    )
                )
            rows.append(
                _line(
                    "build_scale",
                    f"peak RSS, MiB ({big['papers']} papers)",
                    big.get("peak_rss_mib"),
                    f"peak RSS, MiB ({ok[0]['papers']} papers)",
                    ok[0].get("peak_rss_mib"),
                    higher=False,
                )
            )
            sc = bs.get("scaling")
            if sc:
                rows.append(
                    _line(
                        "build_scale",
                        f"wall time ratio {sc['sizes'][1]} vs {sc['sizes'][0]} papers",
                        sc["time_ratio"],
                        "size ratio (linear scaling)",
                        sc["size_ratio"],
                        higher=False,
                    )
                )
        j1 = bs.get("jobs1_baseline")
        if j1 and j1.get("exit_code") == 0 and ok:
            rows.append(
                _line(
                    "build_scale",
                    f"build wall s, {j1['papers']} papers, --jobs {bs.get('jobs')}",
                    ok[0]["wall_s"],
                    "the same with --jobs 1",
                    j1["wall_s"],
                    "s",
                    higher=False,
                )
            )
        up = bs.get("update")
        if up and up.get("exit_code") == 0:
            rows.append(
                _line(
                    "build_scale",
                    f"build --update, s ({up['new_papers']} new papers onto {up['base_papers']})",
                    up["wall_s"],
                    "full build of the base, s",
                    up["full_build_s"],
                    "s",
                    higher=False,
                )
            )
    rdf = _get(results, "rdf_export", "result")
    if rdf:
        rows.append(
            _line(
                "rdf_export",
                f"RdfSink Turtle, triples/s ({rdf['triples']} triples)",
                rdf["fast_triples_per_s"],
                "rdflib Graph.serialize(turtle), triples/s",
                rdf["rdflib_triples_per_s"],
            )
        )
    neo = _get(results, "neo4j_load", "result")
    if neo:
        rows.append(
            _line(
                "neo4j_load",
                f"Neo4jSink batched, relationships/s ({neo['relationships']} relationships)",
                _get(neo, "batched", "relationships_per_s"),
                "naive one MERGE per transaction, relationships/s",
                _get(neo, "naive", "relationships_per_s"),
            )
        )
    html = _get(results, "html_load", "result")
    if html:
        for r in html.get("results", []):
            rows.append(
                _line(
                    "html_load",
                    f"graph.html interactive, s ({r['nodes']} nodes, median)",
                    r["interactive_s_median"],
                    "goal (not a measurement)",
                    r.get("goal_s"),
                    "s",
                    higher=False,
                )
            )
    return rows


def with_size(args: list[str], size: str) -> list[str]:
    """build_scale arguments with one more ``--sizes`` value."""
    k = args.index("--sizes") + 1
    while k < len(args) and not args[k].startswith("--"):
        k += 1
    return [*args[:k], size, *args[k:]]


def _goal(
    goal: str,
    value: Any,
    target: Any,
    ok: Callable[[Any], bool],
    baseline: str = "",
    base: Any = None,
) -> dict[str, Any]:
    """One goal row; ``met`` is None when there is no value (the benchmark did not run that size)."""
    row: dict[str, Any] = {"goal": goal, "value": value, "target": target}
    row["met"] = None if value is None else ok(value)
    if baseline:
        row["baseline"] = baseline
        row["baseline_value"] = base
    return row


def _information(goal: str, value: Any, target: str, baseline: str, base: Any) -> dict[str, Any]:
    """A row shown beside the goals for what it tells, with no verdict (``met`` is None)."""
    row = {"goal": goal, "value": value, "target": target, "met": None, "information": True}
    return {**row, "baseline": baseline, "baseline_value": base}


def goals(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The scale goals of this project, each with its measured value and whether it is met."""
    out: list[dict[str, Any]] = []
    ex = _get(results, "extract_speed", "result")
    if ex:
        tok = ("bare spaCy tokenizer, abstracts/s", ex["tokenizer_per_s"])
        rate = ex["extractor_per_s"]
        out.append(_goal("extraction, abstracts/s on one core", rate, 1000, lambda v: v >= 1000, *tok))
        ratio = round(rate / ex["tokenizer_per_s"], 3)
        out.append(_goal("extraction rate / bare tokenizer rate", ratio, 0.4, lambda v: v >= 0.4, *tok))
        if "ratio_same_cache" in ex:
            # the goal's baseline is spaCy as it ships; this one shares the extractor's cache size
            same = (
                "bare spaCy tokenizer with the extractor's cache size, abstracts/s",
                ex["tokenizer_same_cache_per_s"],
            )
            target = "none (the goal's baseline is the tokenizer as spaCy ships it)"
            out.append(
                _information(
                    "extraction rate / same-cache tokenizer rate", ex["ratio_same_cache"], target, *same
                )
            )
        fixed = ex.get("fixed_vocabulary")
        if fixed:
            # the generator's first corpus, whose vocabulary hardly grows: the bare tokenizer finds
            # nearly every word in its cache, which real text does not let it do
            name = "extraction rate / bare tokenizer rate on the fixed-vocabulary synthetic corpus"
            target = "none (its vocabulary is not that of real abstracts)"
            row = _information(name, fixed["ratio"], target, tok[0], fixed["tokenizer_per_s"])
            row["extractor_per_s"] = fixed["extractor_per_s"]
            out.append(row)
        real = ex.get("real")
        if real and real["abstracts"] >= REAL_STEADY:
            same_text = f"bare spaCy tokenizer on the same {real['abstracts']} real abstracts"
            rtok = (same_text, real["tokenizer_per_s"])
            rrate = real["extractor_per_s"]
            name = f"extraction of {real['abstracts']} real abstracts, abstracts/s on one core"
            out.append(_goal(name, rrate, 1000, lambda v: v >= 1000, *rtok))
            name = f"extraction rate / bare tokenizer rate on {real['abstracts']} real abstracts"
            out.append(_goal(name, real["ratio"], 0.4, lambda v: v >= 0.4, *rtok))
        elif real:
            # too few real papers for a steady rate: a check that the synthetic corpus's ratio is
            # that of real text
            name = f"extraction rate / bare tokenizer rate on {real['abstracts']} real abstracts"
            target = "none (too few real abstracts for a steady rate)"
            row = _information(name, real["ratio"], target, tok[0], real["tokenizer_per_s"])
            row["extractor_per_s"] = real["extractor_per_s"]
            out.append(row)
    bs = _get(results, "build_scale", "result") or {}
    runs = {r["papers"]: r for r in bs.get("runs", []) if r.get("exit_code") == 0}
    smallest = runs[min(runs)] if runs else None
    for n, limit_s, limit_mib in ((100_000, 180, 2048), (1_000_000, 1800, 8192)):
        r = runs.get(n) or {}
        base = ("build of the smallest size, s", smallest["wall_s"]) if smallest and smallest is not r else ()
        wall = f"build {n:,} abstracts (--jobs {bs.get('jobs') or 1}), wall s"
        out.append(_goal(wall, r.get("wall_s"), limit_s, lambda v, lim=limit_s: v <= lim, *base))
        # all its processes (workers, forked writer) together; the largest one alone without PSS
        tree = r.get("peak_tree_pss_mib_sampled")
        mem = f"build {n:,} abstracts, peak memory MiB"
        out.append(_goal(mem, tree or r.get("peak_rss_mib"), limit_mib, lambda v, lim=limit_mib: v <= lim))
        out[-1]["measure"] = "PSS of all its processes" if tree else "RSS of its largest process"
    target = "near-linear (1.8 or more on 2 cores)"
    xj = bs.get("extract_jobs") or {}
    if xj.get("exit_code") == 0:
        name = f"--jobs {xj['jobs']} speed-up of extraction (paperkg extract), {xj['papers']:,} abstracts"
        out.append(_goal(name, xj["speedup"], target, lambda v: v >= 1.8, "--jobs 1, s", xj["jobs1_s"]))
        out[-1]["outputs_identical"] = xj["outputs_identical"]
    j1 = bs.get("jobs1_baseline")
    if j1 and j1.get("exit_code") == 0 and j1["papers"] in runs:
        # not a goal of its own: the build's graph and files are made by one process after the
        # parallel extraction, so its speed-up is bounded by that serial part
        speedup = round(j1["wall_s"] / runs[j1["papers"]]["wall_s"], 2)
        name = f"--jobs {bs.get('jobs')} speed-up of the whole build, {j1['papers']:,} abstracts"
        target = "none (the graph and the files are made in one process)"
        out.append(_information(name, speedup, target, "--jobs 1, s", j1["wall_s"]))
    upd = bs.get("update") or {}
    if "fraction_of_full_build" in upd:
        name = (
            f"update with {upd['new_papers']:,} new abstracts on {upd['base_papers']:,}, "
            "fraction of the full build"
        )
        frac = upd["fraction_of_full_build"]
        out.append(_goal(name, frac, 0.1, lambda v: v < 0.1, "full build, s", upd["full_build_s"]))
    out.extend(spark_goals(results))
    return out


def spark_goals(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Spark local mode's time against ``paperkg extract`` on the same cores (within 1.5x)."""
    sp = _get(results, "spark_extract", "result") or {}
    if "ratio" not in sp:
        return []
    jobs = sp["jobs"]
    name = f"Spark local[{jobs}] / paperkg extract --jobs {jobs}, time ratio, {sp['papers']:,} abstracts"
    base = (f"paperkg extract --jobs {jobs}, s", sp["single_s"])
    row = _goal(name, sp["ratio"], sp["goal_ratio"], lambda v: v <= sp["goal_ratio"], *base)
    return [{**row, "same_lines": sp["same_lines"]}]


def _git_commit() -> str | None:
    if not shutil.which("git"):
        return None
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    return out.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test of every benchmark")
    ap.add_argument(
        "--only", action="append", choices=NAMES, metavar="NAME", help=f"one of {', '.join(NAMES)}"
    )
    ap.add_argument(
        "--skip", action="append", choices=NAMES, metavar="NAME", default=[], help="leave one out"
    )
    ap.add_argument("--no-neo4j-start", action="store_true", help="do not start scripts/neo4j-local")
    ap.add_argument(
        "--million",
        action="store_true",
        help="build_scale also builds 1,000,000 abstracts (about half an hour more on 2 cores)",
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="also write the JSON here")
    args = ap.parse_args(argv)

    chosen = [b for b in BENCHES if (not args.only or b.name in args.only) and b.name not in args.skip]
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    env = dict(os.environ)
    for bench in chosen:
        if bench.name == "neo4j_load":
            with Neo4jLocal(allow_start=not args.no_neo4j_start) as neo:
                if not neo.uri:
                    results[bench.name] = {"skipped": neo.note}
                    print(f"run.py: neo4j_load skipped ({neo.note})", file=sys.stderr, flush=True)
                    continue
                results[bench.name] = run_bench(bench, args.quick, {**env, "NEO4J_URI": neo.uri})
                results[bench.name]["neo4j"] = neo.note
            continue
        if bench.name == "build_scale" and args.million and not args.quick:
            bench = Bench(bench.name, bench.script, with_size(bench.args, "1000000"), [], 3 * 3600)
        results[bench.name] = run_bench(bench, args.quick, env)

    ran = {n: r for n, r in results.items() if "skipped" not in r}
    failed = [n for n, r in ran.items() if r.get("result") is None]  # crashed, timed out or no JSON
    # a benchmark that printed its figures but exited non-zero (e.g. html_load when a goal is missed)
    nonzero = [n for n, r in ran.items() if r.get("result") is not None and r.get("exit_code") != 0]
    doc = {
        "suite": "paperkg benchmarks",
        "mode": "quick" if args.quick else "default",
        "started": started.isoformat(timespec="seconds"),
        "wall_s": round(time.perf_counter() - t0, 1),
        "commit": _git_commit(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        "failed": failed,
        "nonzero_exit_with_figures": nonzero,
        "headline": headline(results),
        "goals": goals(results),
        "benchmarks": results,
    }
    text = json.dumps(doc, indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"run.py: wrote {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

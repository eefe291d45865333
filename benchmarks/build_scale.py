"""End-to-end build at scale: wall time and peak memory of ``paperkg build`` on synthetic corpora.

    .venv/bin/python benchmarks/build_scale.py [--sizes 10000 100000] [--jobs N] [--update 1000]

For each size, writes a synthetic corpus (``benchmarks/synth.py``, gzip JSON Lines; the corpus of
10,000 is the prefix of the one of 100,000) and runs, as a child process,

    paperkg build CORPUS --out DIR --no-html --quiet --json [--jobs N]

measuring its wall time and its peak resident memory (``ru_maxrss`` of that very child, from
``os.wait4``). ``--jobs`` is passed only when ``paperkg build --help`` offers it; otherwise the run
is single-process and the JSON says so; ``--compare-jobs`` adds the smallest size built with
``--jobs 1`` as the baseline, and ``paperkg extract`` of the largest corpus up to 100,000 with
``--jobs 1`` and ``--jobs N`` (the parallel stage alone, with a check that both give the same
bytes). When the help offers ``--update``, the largest graph is then updated with ``--update`` new
papers (records numbered after the corpus) and that time is reported as a fraction of the full
build. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent


def _synth() -> ModuleType:
    """benchmarks/synth.py, loaded once by extract_speed's loader (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("extract_speed", HERE / "extract_speed.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get("extract_speed") or importlib.util.module_from_spec(spec)
    if "extract_speed" not in sys.modules:
        sys.modules["extract_speed"] = module
        spec.loader.exec_module(module)
    return module._synth()  # type: ignore[no-any-return]


def paperkg_command() -> list[str]:
    """The ``paperkg`` console script of this interpreter's environment, else ``python -m paperkg.cli``."""
    script = Path(sys.executable).with_name("paperkg")
    if script.exists():
        return [str(script)]
    found = shutil.which("paperkg")
    return [found] if found else [sys.executable, "-m", "paperkg.cli"]


def build_options(cmd: list[str]) -> dict[str, str | None]:
    """Options of ``paperkg build`` from its --help: name -> metavar (None for a flag)."""
    out = subprocess.run([*cmd, "build", "--help"], capture_output=True, text=True, check=True).stdout
    options: dict[str, str | None] = {}
    for m in re.finditer(r"^\s+(?:-\w, )?(--[\w-]+)(?: ([A-Z_]+(?: [A-Z_]+)*))?", out, re.M):
        options[m.group(1)] = m.group(2)
    return options


def _pss(pid: int) -> int | None:
    """Proportional set size of one process in bytes (Linux), None where the kernel does not say.

    Pages shared between processes (a forked writer's with its parent, the workers' library pages)
    count once in the sum over them, split between the sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def tree_memory(pid: int) -> tuple[int, int]:
    """The memory of a process and its descendants now: (summed PSS, summed RSS) in bytes; PSS is 0
    where it cannot be read (then the RSS sum, which counts shared pages once per sharer, is the
    figure to use). (0, 0) without psutil."""
    try:
        import psutil
    except ImportError:
        return 0, 0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    pss = rss = 0
    pss_ok = True
    for p in procs:
        with contextlib.suppress(psutil.Error):
            rss += p.memory_info().rss
            one = _pss(p.pid)
            pss_ok = pss_ok and one is not None
            pss += one or 0
    return (pss if pss_ok else 0), rss


def run_child(argv: list[str], log_dir: Path, name: str, timeout: float) -> dict[str, Any]:
    """Run ``argv``; wall seconds, peak RSS (MiB) of the child, exit code and its stdout."""
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        status = 0
        rusage = None
        tree_pss = tree_rss = 0
        next_sample = 0.0
        try:
            while True:
                pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    break
                now = time.perf_counter()
                if now - t0 > timeout:
                    os.kill(proc.pid, signal.SIGKILL)
                    _, status, rusage = os.wait4(proc.pid, 0)
                    break
                if now >= next_sample:  # the sum over the child, its workers and its writer
                    pss, rss = tree_memory(proc.pid)
                    tree_pss, tree_rss = max(tree_pss, pss), max(tree_rss, rss)
                    next_sample = now + 0.25
                time.sleep(0.05)
        except BaseException:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            raise
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    result: dict[str, Any] = {
        "wall_s": round(wall, 2),
        "peak_rss_mib": round(rusage.ru_maxrss / 1024, 1) if rusage else None,  # KiB on Linux
        "peak_tree_rss_mib_sampled": round(tree_rss / 2**20, 1) if tree_rss else None,
        "peak_tree_pss_mib_sampled": round(tree_pss / 2**20, 1) if tree_pss else None,
        "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 2) if rusage else None,
        "exit_code": proc.returncode,
    }
    if proc.returncode != 0:
        result["error"] = (stderr.strip().splitlines() or ["(no message)"])[-1][:300]
        if wall > timeout:
            result["error"] = f"killed after the {timeout:.0f}s timeout"
    try:
        result["summary"] = json.loads(stdout[stdout.index("{") :]) if "{" in stdout else None
    except json.JSONDecodeError:
        result["summary"] = None
    return result


# The largest corpus that --compare-jobs extracts with one process too (100k: about 3 minutes).
EXTRACT_JOBS_MAX = 100_000


def extract_jobs(
    cmd: list[str], corpus: Path, n: int, jobs: int, workdir: Path, timeout: float
) -> dict[str, Any]:
    """``paperkg extract`` of ``corpus`` with ``--jobs 1`` and with ``--jobs N``: wall seconds of each,
    the speed-up, and whether the two outputs are the same bytes."""
    walls, outs = {}, {}
    for j in (1, jobs):
        outs[j] = workdir / f"extract-{n}-jobs{j}.jsonl"
        argv = [*cmd, "extract", str(corpus), "-o", str(outs[j]), "--quiet", "--jobs", str(j)]
        r = run_child(argv, workdir, f"extract-{n}-jobs{j}", timeout)
        if r["exit_code"] != 0:
            return {"papers": n, "jobs": j, "exit_code": r["exit_code"], "error": r.get("error")}
        walls[j] = r["wall_s"]
    return {
        "papers": n,
        "command": f"{Path(cmd[0]).name} extract CORPUS -o FILE --quiet --jobs N",
        "jobs": jobs,
        "jobs1_s": walls[1],
        "jobs_s": walls[jobs],
        "speedup": round(walls[1] / walls[jobs], 2),
        "outputs_identical": outs[1].read_bytes() == outs[jobs].read_bytes(),
        "exit_code": 0,
    }


def _sizes_of(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}


def measure(
    sizes: list[int],
    seed: int = 1,
    jobs: int | None = None,
    update: int = 1000,
    workdir: Path | None = None,
    no_rdf: bool = False,
    timeout: float = 3600.0,
    compare_jobs: bool = False,
) -> dict[str, Any]:
    synth = _synth()
    cmd = paperkg_command()
    options = build_options(cmd)
    has_jobs, has_update = "--jobs" in options, "--update" in options
    # the options of every build run, and those of the parallel ones
    common = ["--no-html", "--quiet", "--json", *(["--no-rdf"] if no_rdf else [])]
    parallel = ["--jobs", str(jobs)] if jobs and has_jobs else []
    report: dict[str, Any] = {
        "benchmark": "build_scale",
        "seed": seed,
        "command": " ".join([Path(cmd[0]).name, "build", "CORPUS", "--out", "DIR", *common, *parallel]),
        "jobs_supported": has_jobs,
        "jobs": jobs if jobs and has_jobs else None,
        "update_supported": has_update,
        "rss_method": "peak_rss_mib: os.wait4 ru_maxrss of the child (with --jobs: the largest single "
        "process); peak_tree_pss_mib_sampled: the proportional set sizes of the child, its workers and "
        "its forked writer summed, every 0.25 s (the memory the build takes from the machine; the "
        "goals use it); peak_tree_rss_mib_sampled: their RSS summed (pages they share count twice)",
        "runs": [],
    }
    if jobs and not has_jobs:
        report["note"] = "paperkg build has no --jobs option yet: every run is single-process"
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="paperkg-scale-")
        workdir = Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        largest: tuple[int, Path, dict[str, Any]] | None = None
        for n in sorted(sizes):
            corpus = workdir / f"corpus-{n}.jsonl.gz"
            info = synth.write_corpus(corpus, n, seed)
            out = workdir / f"out-{n}"
            shutil.rmtree(out, ignore_errors=True)
            argv = [*cmd, "build", str(corpus), "--out", str(out), *common, *parallel]
            r = run_child(argv, workdir, f"build-{n}", timeout)
            summary = r.pop("summary")
            row: dict[str, Any] = {
                "papers": n,
                "corpus_bytes": corpus.stat().st_size,
                "corpus_generate_s": info["seconds"],
                **r,
            }
            if r["exit_code"] == 0 and summary:
                row["papers_per_s"] = round(summary["papers"] / r["wall_s"], 1)
                row["records_read"] = summary["records_read"]
                row["duplicates_merged"] = summary["duplicates_merged"]
                row["reconciles"] = summary["reconciles"]
                row["nodes"] = sum(summary["nodes"].values())
                row["edges"] = sum(summary["edges"].values())
                row["output_bytes"] = _sizes_of(out)
                largest = (n, out, row)
            report["runs"].append(row)
        if compare_jobs and jobs and jobs > 1 and has_jobs and largest is not None:
            # the baseline: the smallest corpus again with one extraction process
            first = report["runs"][0]
            n = first["papers"]
            out = workdir / f"out-{n}-jobs1"
            argv = [*cmd, "build", str(workdir / f"corpus-{n}.jsonl.gz"), "--out", str(out), *common]
            argv += ["--jobs", "1"]
            r = run_child(argv, workdir, f"build-{n}-jobs1", timeout)
            r.pop("summary")
            base: dict[str, Any] = {"papers": n, "jobs": 1, **r}
            if r["exit_code"] == 0 and first["exit_code"] == 0:
                base["papers_per_s"] = round(n / r["wall_s"], 1)
                base["speedup_with_jobs"] = round(r["wall_s"] / first["wall_s"], 2)
            report["jobs1_baseline"] = base
            # the extraction alone, where the processes work (the build also adds to the graph
            # and writes its files in one process), on the largest corpus up to 100k
            n = max((m for m in sizes if m <= EXTRACT_JOBS_MAX), default=n)
            corpus = workdir / f"corpus-{n}.jsonl.gz"
            report["extract_jobs"] = extract_jobs(cmd, corpus, n, jobs, workdir, timeout)
        ok = [r for r in report["runs"] if r["exit_code"] == 0]
        if len(ok) >= 2:  # per-paper time and memory at the largest size vs. the smallest
            a, b = ok[0], ok[-1]
            report["scaling"] = {
                "sizes": [a["papers"], b["papers"]],
                "size_ratio": round(b["papers"] / a["papers"], 2),
                "time_ratio": round(b["wall_s"] / a["wall_s"], 2),
                "rss_ratio": round(b["peak_rss_mib"] / a["peak_rss_mib"], 2),
                "per_paper_time_ratio": round((b["wall_s"] / b["papers"]) / (a["wall_s"] / a["papers"]), 2),
            }
        if update > 0 and has_update and largest is not None:
            n, out, row = largest
            new = workdir / f"new-{update}.jsonl"
            synth.write_corpus(new, update, seed, start=n + 1)
            metavar = options["--update"]
            argv = [*cmd, "build", *common]
            argv += ["--update", str(out), str(new)] if metavar else ["--update", "--out", str(out), str(new)]
            argv += parallel
            r = run_child(argv, workdir, f"update-{n}", timeout)
            summary = r.pop("summary")
            upd: dict[str, Any] = {"base_papers": n, "new_papers": update, **r}
            upd["command"] = " ".join([Path(cmd[0]).name, *argv[len(cmd) :]]).replace(str(workdir), "WORK")
            if r["exit_code"] == 0:
                upd["full_build_s"] = row["wall_s"]
                upd["fraction_of_full_build"] = round(r["wall_s"] / row["wall_s"], 3)
                if summary:
                    upd["papers_added"] = summary.get("papers")
                    upd["graph_papers"] = summary.get("nodes", {}).get("paper")
                    upd["records_read"] = summary.get("records_read")
                    upd["duplicates_merged"] = summary.get("duplicates_merged")
            report["update"] = upd
        elif update > 0 and not has_update:
            report["update"] = {"skipped": "paperkg build --help shows no --update option"}
    finally:
        if tmp is not None:
            tmp.cleanup()
    report["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None, help="pass --jobs N when paperkg build supports it")
    ap.add_argument(
        "--compare-jobs",
        action="store_true",
        help="with --jobs N > 1: also build the smallest size with 1, and time `paperkg extract` of the "
        "largest size up to 100,000 with 1 and N",
    )
    ap.add_argument("--update", type=int, default=1000, help="new papers for the --update run (0: none)")
    ap.add_argument("--no-rdf", action="store_true", help="also pass --no-rdf (skip graph.ttl)")
    ap.add_argument("--workdir", type=Path, help="keep corpora and outputs here (default: a temporary dir)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per build before it is killed")
    args = ap.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        ap.error("--sizes must be positive")
    report = measure(
        args.sizes,
        args.seed,
        args.jobs,
        args.update,
        args.workdir,
        args.no_rdf,
        args.timeout,
        args.compare_jobs,
    )
    print(json.dumps(report, indent=2))
    failed = [r for r in report["runs"] if r["exit_code"] != 0]
    return 1 if failed or report.get("update", {}).get("exit_code", 0) != 0 else 0


if __name__ == "__main__":
    sys.exit(main())

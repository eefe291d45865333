"""The Spark job (paperkg.spark) in Spark's local mode against the single-machine commands.

One corpus: the 10,000 synthetic records of ``benchmarks/synth.py --n 10000 --seed 1``, plus copies
of some of them (records that share an id or a DOI, records known by title only, arXiv ids that a
DOI must not join, a title that several papers have) so that merging copies is exercised too; nine
records in ten carry a listing date, so entities' dates combine across partitions. The
job runs once, as ``paperkg spark ... --master local[2]``; ``paperkg extract --jobs 2``,
``paperkg build --jobs 2`` and ``paperkg export`` (nt, neo4j-csv) run on the same inputs. Outputs
are compared as multisets: lines, triples, CSV rows.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
PAPERS = 10_000
PAGE_HEAD = "Daily Papers\n\nMay 6\n\n"
MORE = " We release the code and the data to the community."


def _need_spark() -> None:
    missing = None
    if importlib.util.find_spec("pyspark") is None:
        missing = "pyspark is not installed (pip install paperkg[spark])"
    elif shutil.which("java") is None:
        missing = "Spark needs Java (17 or later)"
    if missing and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Spark tests cannot run on CI: {missing}")
    if missing:
        pytest.skip(missing)


def _run(*argv: str) -> str:
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, f"{argv}: {done.stderr[-3000:]}"
    print(f"{time.perf_counter() - t0:7.1f} s  {' '.join(Path(a).name for a in argv[:4])}", file=sys.stderr)
    return done.stdout


def _paperkg(*argv: str) -> str:
    return _run(str(Path(sys.executable).with_name("paperkg")), *argv)


def _date(corpus: Path) -> None:
    """Give most records a listing date, spread over two years and out of order, so that entities'
    first and last dates and monthly counts come from papers in different partitions."""
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    start = date(2024, 1, 1).toordinal()
    for i, r in enumerate(records):
        if i % 10:
            r["date"] = date.fromordinal(start + (i * 7919) % 730).isoformat()
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _copies(corpus: Path, out: Path) -> list[str]:
    """Inputs holding copies of some of the corpus's papers, and papers PaperIndex keeps apart."""
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    same_id = [dict(r, abstract=r["abstract"] + MORE) for r in records[::97]]
    a, b, c = records[1]["title"], records[2]["title"], records[3]["title"]
    by_ids = [
        {
            "id": "2101.00001",
            "doi": "10.1000/same",
            "title": a + " Revisited",
            "abstract": records[1]["abstract"],
        },
        {
            "id": "2101.00002",
            "doi": "10.1000/same",
            "title": b + " Revisited",
            "abstract": records[2]["abstract"],
        },
        {"id": "A1", "doi": "10.1000/xyz", "title": c + " (Journal)", "abstract": records[3]["abstract"]},
        {"id": "2201.00002", "doi": "https://doi.org/10.1000/XYZ", "title": c, "abstract": ""},
        {"id": "2101.00003", "title": "Introduction", "abstract": records[4]["abstract"]},
        {"id": "2101.00004", "title": "Introduction", "abstract": records[5]["abstract"]},
    ]
    jsonl = out / "copies.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in same_id + by_ids), encoding="utf-8")
    titled = [(r["title"].lower(), r["abstract"] + MORE) for r in records[5::331]]
    titled += [("Introduction", records[6]["abstract"]), ("Seen Twice", records[7]["abstract"])]
    pages = [out / "page1.txt", out / "page2.txt"]
    pages[0].write_text(PAGE_HEAD + "".join(f"{t}\n\n{x}\n\n" for t, x in titled), encoding="utf-8")
    pages[1].write_text(PAGE_HEAD + f"Seen twice\n\n{records[8]['abstract']}\n\n", encoding="utf-8")
    return [str(jsonl), *map(str, pages)]


@dataclass
class Runs:
    spark: Path  # the job's --out
    extract: Path  # paperkg extract's JSON Lines
    build: Path  # paperkg build's --out, with graph.nt and csv/ exported from its graph.json
    spark_summary: dict[str, Any]
    build_summary: dict[str, Any]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    _need_spark()
    tmp = tmp_path_factory.mktemp("spark")
    corpus = tmp / "synth.jsonl"
    _run(sys.executable, "benchmarks/synth.py", "--n", str(PAPERS), "--seed", "1", "-o", str(corpus))
    _date(corpus)
    inputs = [str(corpus), *_copies(corpus, tmp)]
    job = ["spark", *inputs, "--out", str(tmp / "spark"), "--master", "local[2]", "--json", "-q"]
    spark_summary = json.loads(_paperkg(*job))["summary"]
    _paperkg("extract", *inputs, "--jobs", "2", "-q", "-o", str(tmp / "extract.jsonl"))
    build = tmp / "build"
    build_summary = json.loads(_paperkg("build", *inputs, "--out", str(build), "--jobs", "2", "--no-html",
                                        "--no-rdf", "-q", "--json"))  # fmt: skip
    _paperkg("export", str(build / "graph.json"), "--to", "nt", "-o", str(build / "graph.nt"))
    _paperkg("export", str(build / "graph.json"), "--to", "neo4j-csv", "-o", str(build / "csv"))
    return Runs(tmp / "spark", tmp / "extract.jsonl", build, spark_summary, build_summary)


def _parts(directory: Path) -> Counter[str]:
    """The lines of a Spark output directory's part files."""
    return Counter(
        line for f in sorted(directory.glob("part-*")) for line in f.read_text("utf-8").splitlines()
    )


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _kind(header: list[str], rows: Counter[tuple[str, ...]]) -> str:
    """A CSV file's name by its rows' labels ("Model;Entity") or relationship type ("USES")."""
    column = header.index(":LABEL" if ":LABEL" in header else ":TYPE")
    return next(iter(rows))[column]


def _spark_csv(out: Path) -> dict[str, tuple[list[str], Counter[tuple[str, ...]]]]:
    """Each CSV file of the job's neo4j-admin command (a run of parts, the header first): its
    header and rows."""
    argv = json.loads((out / "summary.json").read_text("utf-8"))["neo4j_import"]
    files = {}
    for arg in argv:
        if arg.startswith(("--nodes=", "--relationships=")):
            parts = arg.split("=", 1)[1].split(",")
            header, *rows = [r for p in parts for r in _rows((out / p).read_text("utf-8"))]
            counted = Counter(map(tuple, rows))
            files[_kind(header, counted)] = (header, counted)
    return files


def test_the_extraction_is_the_lines_of_paperkg_extract(runs: Runs) -> None:
    spark = _parts(runs.spark / "extraction.jsonl")
    single = Counter(runs.extract.read_text("utf-8").splitlines())
    assert sum(single.values()) == runs.build_summary["papers"] > PAPERS - 100
    assert spark == single


def test_the_summary_counts_what_the_build_counts(runs: Runs) -> None:
    keys = ("records_read", "papers", "duplicates_merged", "titles_ambiguous", "kept_apart", "nodes", "edges")
    assert {k: runs.spark_summary[k] for k in keys} == {k: runs.build_summary[k] for k in keys}
    assert runs.build_summary["duplicates_merged"] > 100
    assert runs.build_summary["kept_apart"] == 1 and runs.build_summary["titles_ambiguous"] == 1


def test_the_triples_are_those_of_the_built_graph(runs: Runs) -> None:
    spark = _parts(runs.spark / "graph.nt")
    single = Counter((runs.build / "graph.nt").read_text("utf-8").splitlines())
    assert sum(single.values()) > 1_000_000
    assert spark == single


def test_the_neo4j_csv_files_are_those_of_the_built_graph(runs: Runs) -> None:
    spark = _spark_csv(runs.spark)
    single = {}
    for f in sorted((runs.build / "csv").glob("*.csv")):
        header, *rows = _rows(f.read_text("utf-8"))
        counted = Counter(map(tuple, rows))
        single[_kind(header, counted)] = (header, counted)
    assert sorted(spark) == sorted(single)
    for name, (header, rows) in single.items():
        assert spark[name][0] == header, name
        assert spark[name][1] == rows, name
    script = (runs.spark / "neo4j-admin-import.sh").read_text("utf-8")
    assert "neo4j-admin database import full --nodes=neo4j/part-00000" in script


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    """A Spark session in this process (local[2]) for the tests of the job's parts."""
    _need_spark()
    from paperkg.spark.job import SparkOptions, spark_session

    spark = spark_session(SparkOptions(out="unused", master="local[2]"))
    yield spark
    spark.stop()


def test_both_ways_of_finding_components_find_the_same(session: Any) -> None:
    from paperkg.spark.read import joined_components, propagated_components

    rng = random.Random(7)
    pairs = {(rng.randrange(300), rng.randrange(300)) for _ in range(100)}  # small components
    pairs |= {(i, i + 1) for i in range(400, 406)}  # a chain: a round of propagation per link
    links = [link for a, b in pairs if a != b for link in ((a, b), (b, a))]
    expected: dict[int, int] = {}
    for start in sorted({x for link in links for x in link}):  # the smallest member names a component
        if start in expected:
            continue
        todo, seen = [start], {start}
        while todo:
            x = todo.pop()
            for a, b in links:
                if a == x and b not in seen:
                    seen.add(b)
                    todo.append(b)
        expected.update((x, min(seen)) for x in seen)
    assert dict(joined_components(links)) == expected
    assert dict(propagated_components(session.sparkContext.parallelize(links, 3)).collect()) == expected


def test_the_extraction_as_parquet_holds_the_json_records(session: Any, tmp_path: Path) -> None:
    from paperkg.spark.job import SparkOptions, run_spark

    corpus = tmp_path / "synth.jsonl"
    _run(sys.executable, "benchmarks/synth.py", "--n", "200", "--seed", "2", "-o", str(corpus))
    _paperkg("extract", str(corpus), "-q", "-o", str(tmp_path / "x.jsonl"))
    options = SparkOptions(out=str(tmp_path / "spark"), outputs=("extraction",), extraction_format="parquet")
    result = run_spark([str(corpus)], options, spark=session)
    assert result.summary.papers == 200 and not result.summary.nodes  # no graph was asked for

    def plain(value: Any) -> Any:  # a Parquet record as JSON has it: no empty optional fields
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if v is not None}
        return [plain(v) for v in value] if isinstance(value, list) else value

    rows = session.read.parquet(result.paths["extraction"]).collect()
    found = sorted((plain(r.asDict(recursive=True)) for r in rows), key=lambda r: r["id"])
    lines = (tmp_path / "x.jsonl").read_text("utf-8").splitlines()
    assert found == sorted((json.loads(x) for x in lines), key=lambda r: r["id"])

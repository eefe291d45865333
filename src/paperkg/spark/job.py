"""The Spark job: read, merge copies, extract, type and resolve over the corpus, write the outputs.

Stages (each a Spark job; what reaches the driver is in brackets):

1. read: one task per input file with paperkg's readers [one report per input: counts, a few
   messages];
2. merge copies (:mod:`paperkg.spark.read`): links between records that share an identifier or a
   title, components, each placed by PaperIndex on an executor [the counts of titles left
   ambiguous and records kept apart];
3. extract: papers in consecutive, sorted ranges of positions, one extractor per Python worker
   (:mod:`paperkg.spark.extract`); the extractions stay in Spark's storage (memory, then disk);
4. corpus-level typing (:mod:`paperkg.spark.resolution`): votes tallied per partition and summed
   [one row per distinct vote]; the driver's Resolver is broadcast back;
5. outputs, each a directory of part files under ``--out``: ``extraction.jsonl`` (or
   ``extraction.parquet``), ``graph.nt``, ``neo4j/`` (import CSVs, :mod:`paperkg.spark.neo4j_files`)
   [per partition: its CSV headers; nodes per kind and edges per type]. With a local ``--out`` the
   driver also writes ``summary.json`` and ``neo4j-admin-import.sh`` there.

The driver never holds papers, extractions, nodes or edges: only what the brackets say, which grows
with the inputs, partitions and distinct names, not with the papers.

Run it with ``paperkg spark INPUTS --out PATH [--master local[2]]`` (:mod:`paperkg.cli_spark`) or,
on a cluster, ``spark-submit .../paperkg/spark/__main__.py INPUTS --out PATH`` (README, "On Apache
Spark").
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from paperkg.api import check_inputs
from paperkg.errors import PaperkgError
from paperkg.extraction.lexicon import load_lexicon
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.pipeline import BadRecord, NoPapers, Summary
from paperkg.readers import InputError
from paperkg.spark.read import FileReport

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

    from paperkg.model import PaperExtraction

#: What the job can write under ``--out``.
OUTPUTS = ("extraction", "nt", "neo4j-csv")
#: Papers per extraction partition unless ``partitions`` is given.
PAPERS_PER_PARTITION = 5000
Reporter = Callable[[str], None]


@dataclass(frozen=True)
class SparkOptions:
    """What :func:`run_spark` reads, writes and asks of Spark."""

    out: str  # a directory that does not exist yet, at any path Spark can write
    master: str | None = None  # e.g. local[2], yarn; None: spark-submit's (or local[*])
    outputs: tuple[str, ...] = OUTPUTS
    extraction_format: str = "jsonl"  # or parquet
    names: str = "canonical"  # extraction records: canonical names or mention spans
    partitions: int | None = None  # extraction partitions (default: ~PAPERS_PER_PARTITION papers each)
    registry: str | None = None  # extra registry entries; a path every executor can read
    strict: bool = False  # fail on the first bad record instead of skipping it
    base_iri: str = DEFAULT_BASE_IRI
    conf: tuple[tuple[str, str], ...] = ()  # more Spark settings
    app_name: str = "paperkg"


@dataclass
class SparkResult:
    """What the job wrote: each output's directory, the summary, the neo4j-admin command (paths
    relative to ``out``) and the seconds each stage took."""

    out: str
    summary: Summary
    paths: dict[str, str] = field(default_factory=dict)
    neo4j_import: list[str] | None = None
    neo4j_files: dict[str, str] = field(default_factory=dict)  # the sink's other files, by name
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "outputs": self.paths,
            "neo4j_import": self.neo4j_import,
            "neo4j_files": sorted(self.neo4j_files),
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "summary": self.summary.to_dict(),
        }


def _is_local(path: str) -> bool:
    return urlparse(path).scheme in ("", "file")


def _local_path(path: str) -> Path:
    return Path(urlparse(path).path if path.startswith("file:") else path)


def check_options(inputs: Sequence[str], options: SparkOptions) -> list[str]:
    """The inputs, checked with the options before Spark starts (errors as :class:`PaperkgError`)."""
    if "-" in [os.fspath(p) for p in inputs]:
        raise InputError("the Spark job reads files, not standard input")
    paths = check_inputs(inputs)  # each an existing file (as the executors will see it too)
    unknown = sorted(set(options.outputs) - set(OUTPUTS))
    if unknown:
        raise PaperkgError(f"unknown output {unknown[0]!r}; expected some of {', '.join(OUTPUTS)}")
    if options.extraction_format not in ("jsonl", "parquet"):
        raise PaperkgError(
            f"unknown extraction format {options.extraction_format!r}; expected jsonl or parquet"
        )
    if _is_local(options.out) and _local_path(options.out).exists():
        raise PaperkgError(f"{options.out}: exists; the Spark job writes a new directory")
    if options.registry is not None and _is_local(options.registry):
        load_lexicon(options.registry)  # a bad registry fails here, not in every executor
    return paths


def spark_session(options: SparkOptions) -> SparkSession:
    """A session for the job: ``options.master`` and ``options.conf`` over Spark's defaults."""
    from pyspark.sql import SparkSession

    # Under spark-submit the master is spark-submit's; a job that starts its own JVM defaults to local[*].
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    master = options.master or (None if submitted else "local[*]")
    if (master or "").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers: this interpreter
    builder = SparkSession.builder.appName(options.app_name).config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    for key, value in options.conf:
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


def run_spark(
    inputs: Sequence[str],
    options: SparkOptions,
    *,
    spark: SparkSession | None = None,
    report: Reporter | None = None,
) -> SparkResult:
    """Run the job on ``spark`` (or a session of its own, stopped at the end); see the module."""
    paths = check_options(inputs, options)
    session = spark if spark is not None else spark_session(options)
    try:
        return _Run(session, options, report or (lambda _m: None)).run(paths)
    finally:
        if spark is None:
            session.stop()


def summary_of(reports: Iterable[FileReport], strict: bool, say: Reporter) -> Summary:
    """The read part of the summary; under ``strict``, the first bad input or record raises."""
    s = Summary()
    for r in reports:
        if strict and (bad := r.error or r.first_rejection or r.first_repair):
            raise InputError(bad) if bad == r.error else BadRecord(bad)
        s.records_read += r.records
        s.rejected += r.rejected
        s.reasons.update(r.reasons)
        s.repaired += r.repaired
        s.warnings.extend(r.warnings)
        if r.more_warnings:
            s.warnings.append(f"{r.path}: {r.more_warnings:,} more warnings")
        if r.error or r.records == 0:
            s.input_errors.append(r.error or f"{r.path}: no papers found")
    for w in s.warnings:
        say(f"warning: {w}")
    for e in s.input_errors:
        say(f"error: {e}")
    if s.rejected:
        say(f"skipped {s.rejected:,} records: " + ", ".join(f"{n:,} {k}" for k, n in s.reasons.most_common()))
    if s.records_read == s.rejected:
        raise NoPapers(
            f"no papers to process ({s.input_errors[0]})" if s.input_errors else "the inputs yielded no paper"
        )
    return s


def _child(out: str, name: str) -> str:
    return f"{out.rstrip('/')}/{name}"


class _Run:
    """One run of the job on a session (the stages of the module's docstring)."""

    def __init__(self, spark: SparkSession, options: SparkOptions, say: Reporter) -> None:
        self.spark = spark
        self.sc: SparkContext = spark.sparkContext
        self.options = options
        self.say = say
        self.kept: list[RDD[Any]] = []
        self.clock = time.perf_counter()

    def _persist(self, rdd: RDD[Any]) -> RDD[Any]:
        from pyspark import StorageLevel

        self.kept.append(rdd)
        return rdd.persist(StorageLevel.MEMORY_AND_DISK)

    def _lap(self, result: SparkResult, stage: str) -> None:
        now = time.perf_counter()
        result.seconds[stage] = now - self.clock
        self.clock = now

    def run(self, paths: list[str]) -> SparkResult:
        try:
            result = SparkResult(self.options.out, Summary())
            raw, shared = self._extract(paths, result)
            self._write(raw, shared, result)
            return result
        finally:
            for rdd in self.kept:
                rdd.unpersist()

    def _extract(self, paths: list[str], result: SparkResult) -> tuple[RDD[tuple[int, PaperExtraction]], Any]:
        """Stages 1-4: the persisted extractions, and the broadcast resolver."""
        from paperkg.extraction.lexicon import load_lexicon
        from paperkg.spark.extract import extract_partition
        from paperkg.spark.gather import gathered
        from paperkg.spark.read import PositionRanges, copy_links, merge_copies, read_papers
        from paperkg.spark.resolution import SharedResolver, add_tallies, corpus_resolver, tally_partition

        o = self.options
        found = gathered(self.sc)
        records = self._persist(read_papers(self.sc, paths, found))
        links, count = copy_links(records)  # the first job: the inputs are read
        reports = sorted({r.index: r for r in found.value}.values(), key=lambda r: r.index)
        summary = result.summary = summary_of(reports, o.strict, self.say)
        placed = merge_copies(records, links, count)
        summary.ambiguous_titles, summary.kept_apart = placed.ambiguous, placed.kept_apart
        self._lap(result, "read")
        wanted = math.ceil((summary.records_read - summary.rejected) / PAPERS_PER_PARTITION)
        parts = o.partitions or max(2 * self.sc.defaultParallelism, wanted)
        ranges = PositionRanges([r.records for r in reports], parts)
        ordered = placed.papers.repartitionAndSortWithinPartitions(parts, ranges)
        raw = self._persist(ordered.mapPartitions(partial(extract_partition, o.registry), True))
        tallies = raw.mapPartitions(tally_partition).reduceByKey(add_tallies).collect()
        summary.papers = next(n for vote, (n, _) in tallies if vote is None)
        summary.duplicates = summary.records_read - summary.rejected - summary.papers
        records.unpersist()
        self._lap(result, "extract")
        resolver = corpus_resolver(load_lexicon(o.registry), ((v, t) for v, t in tallies if v is not None))
        shared = self.sc.broadcast(SharedResolver(resolver, o.registry))
        self._lap(result, "resolve")
        return raw, shared

    def _write(self, raw: RDD[tuple[int, PaperExtraction]], shared: Any, result: SparkResult) -> None:
        """Stage 5: the outputs asked for."""
        from paperkg.spark.build import build_partition, count_items, graph_items
        from paperkg.spark.neo4j_files import import_argv, write_csv
        from paperkg.spark.outputs import write_extraction, write_triples

        o = self.options
        if "extraction" in o.outputs:
            path = result.paths["extraction"] = _child(o.out, f"extraction.{o.extraction_format}")
            write_extraction(self.spark, raw, shared, path, o.extraction_format, o.names)
            self._lap(result, "extraction")
        if not {"nt", "neo4j-csv"} & set(o.outputs):
            return
        built = self._persist(raw.mapPartitionsWithIndex(partial(build_partition, shared)))
        items, merged = graph_items(built)
        self.kept.extend(merged)
        nodes, edges = count_items(items)
        result.summary.nodes, result.summary.edges = Counter(nodes), Counter(edges)
        self._lap(result, "graph")
        if "nt" in o.outputs:
            write_triples(items, result.paths.setdefault("nt", _child(o.out, "graph.nt")), o.base_iri)
            self._lap(result, "nt")
        if "neo4j-csv" in o.outputs:
            layout = write_csv(items, result.paths.setdefault("neo4j-csv", _child(o.out, "neo4j")))
            result.neo4j_import = import_argv(layout, "neo4j")
            result.neo4j_files = layout.extras
            self._lap(result, "neo4j-csv")
        if _is_local(o.out):
            write_local_files(_local_path(o.out), result)


def write_local_files(out: Path, result: SparkResult) -> None:
    """summary.json; neo4j-admin-import.sh (run from anywhere: it changes to ``out``) and the other
    files the CSV sink writes beside its CSVs (neo4j-schema.cypher)."""
    (out / "summary.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    if result.neo4j_import:
        import shlex

        for name, text in result.neo4j_files.items():
            (out / name).write_text(text, encoding="utf-8")
        also = "".join(f"# then see {name}\n" for name in sorted(result.neo4j_files))
        script = out / "neo4j-admin-import.sh"
        script.write_text(
            "#!/bin/sh\n# Bulk-load the CSV parts in neo4j/ into an EMPTY (stopped) Neo4j database.\n"
            + also
            + 'cd "$(dirname "$0")" && '
            + shlex.join(result.neo4j_import)
            + "\n",
            encoding="utf-8",
        )
        script.chmod(0o755)

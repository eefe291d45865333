"""paperkg's use cases as library calls: what each command of the CLI does, for Python callers.

Each function takes its inputs and a small options record and returns a typed result; the click
commands in :mod:`paperkg.cli` only turn their arguments into these calls. Every error is a
:class:`paperkg.errors.PaperkgError` with a one-line message.

Example::

    import paperkg

    result = paperkg.build(["examples/daily_papers_2024-06-10.txt"], paperkg.BuildOptions(out="kg"))
    print(result.summary.papers, "papers")
    nx_graph = result.graph.to_networkx()

    for extraction in paperkg.extract(["examples/daily_papers_2024-06-10.txt"]).extractions:
        print(extraction.paper.title, [e.name for e in extraction.entities])
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from paperkg.errors import PaperkgError
from paperkg.files import atomic_file
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.readers.base import InputError

if TYPE_CHECKING:
    from paperkg.changes import GraphDiff
    from paperkg.extraction import Extractor
    from paperkg.graph import KnowledgeGraph
    from paperkg.model import PaperExtraction
    from paperkg.pipeline import Summary
    from paperkg.sinks.base import SinkReport

PathLike = str | os.PathLike[str]
Reporter = Callable[[str], None]
Progress = Callable[[int], None]

#: RDF serializations ``export`` writes (rdflib's names and ``nt``).
RDF_FORMATS = ("ttl", "nt", "jsonld", "xml")
#: Every format ``export`` writes.
EXPORT_FORMATS = (*RDF_FORMATS, "html", "neo4j-csv")


class OutputError(PaperkgError):
    """An output directory or file that cannot be made or written."""


@dataclass(frozen=True)
class Neo4jTarget:
    """Where a graph is loaded or queried: a Neo4j server over Bolt."""

    uri: str = "bolt://localhost:7687"
    user: str = "neo4j"
    password: str = ""
    database: str | None = None
    batch_size: int = 1000


@dataclass(frozen=True)
class RunOptions:
    """How inputs are read and extracted (shared by :func:`build` and :func:`extract`)."""

    jobs: int = 1  # extraction processes
    strict: bool = False  # stop at the first bad record instead of skipping it
    registry: str | None = None  # extra registry entries (JSON Lines: name, type, aliases)


@dataclass(frozen=True)
class BuildOptions(RunOptions):
    """What :func:`build` writes. Give ``out`` for a new graph, or ``update`` for an existing
    graph directory to add the new papers to (papers already there are not extracted again)."""

    out: PathLike | None = None
    update: PathLike | None = None
    base_iri: str = DEFAULT_BASE_IRI
    html: bool = True  # graph.html
    rdf: bool = True  # graph.ttl
    max_nodes: int | None = None  # graph.html: draw the N best-connected nodes
    neo4j: Neo4jTarget | None = None  # also load the graph into this server


@dataclass
class BuildResult:
    """What a build made: its directory, its summary, and the graph (read on first use after an
    update, which writes only what changed)."""

    out: Path
    summary: Summary
    _graph: Callable[[], KnowledgeGraph] = field(repr=False)

    @property
    def graph(self) -> KnowledgeGraph:
        return self._graph()


@dataclass
class ExtractResult:
    """Every distinct paper's extraction (readable any number of times) and the read summary."""

    extractions: Iterable[PaperExtraction]
    summary: Summary

    def write_jsonl(self, output: PathLike | TextIO, names: str = "canonical") -> int:
        """Write one JSON line per paper (see :meth:`PaperExtraction.to_json` for ``names``) to a
        file, replaced whole at the end, or to an open text stream; returns the lines written."""
        lines = (json.dumps(x.to_json(names), ensure_ascii=False) + "\n" for x in self.extractions)
        n = 0
        if isinstance(output, (str, os.PathLike)):
            with atomic_file(Path(output), "w") as f:
                for line in lines:
                    f.write(line)
                    n += 1
        else:
            for line in lines:
                output.write(line)
                n += 1
        return n


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]


def _extractor(options: RunOptions, extractor: Extractor | None) -> Extractor:
    if extractor is not None:
        return extractor
    from paperkg.extraction import Extractor

    return Extractor(registry=options.registry)


def check_inputs(inputs: Sequence[PathLike]) -> list[str]:
    """The inputs as strings, each an existing file or ``-`` (standard input)."""
    paths = [os.fspath(p) for p in inputs]
    if not paths:
        raise InputError("no inputs given")
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise InputError(f"{p}: no such file")
        if p != "-" and Path(p).is_dir():
            raise InputError(f"{p}: is a directory, not a file")
    return paths


def fail_on_input_errors(summary: Summary) -> None:
    """Raise :class:`InputError` if an input of the run could not be read at all."""
    if summary.input_errors:
        raise InputError(f"{len(summary.input_errors)} input(s) could not be read: {summary.input_errors[0]}")


def _writable_dir(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output directory ({exc.strerror})") from None
    if not os.access(out, os.W_OK):
        raise OutputError(f"{out}: output directory is not writable")
    return out


def extract(
    inputs: Sequence[PathLike],
    options: RunOptions = RunOptions(),
    *,
    extractor: Extractor | None = None,
    report: Reporter | None = None,
    progress: Progress | None = None,
    check: bool = True,
) -> ExtractResult:
    """Read INPUTS and extract each distinct paper's entities and URLs, typed across the corpus.

    With ``check`` (the default), an input that could not be read at all raises
    :class:`~paperkg.readers.base.InputError` after the others are read.

    Example::

        result = paperkg.extract(["listing.txt"])
        for x in result.extractions:
            print(x.to_json())
    """
    from paperkg.pipeline import extract_corpus

    paths = check_inputs(inputs)
    ext = _extractor(options, extractor)
    extractions, summary, *_ = extract_corpus(paths, ext, options.strict, report, progress, jobs=options.jobs)
    if check:
        fail_on_input_errors(summary)
    return ExtractResult(extractions, summary)


def build(
    inputs: Sequence[PathLike],
    options: BuildOptions,
    *,
    extractor: Extractor | None = None,
    report: Reporter | None = None,
    progress: Progress | None = None,
    check: bool = True,
) -> BuildResult:
    """Build the knowledge graph of INPUTS into ``options.out`` (graph.json, graph.ttl,
    graph.html, extraction.jsonl), or add their new papers to the graph in ``options.update``;
    load it into Neo4j too with ``options.neo4j``.

    Example::

        result = paperkg.build(["a.txt", "b.jsonl"], paperkg.BuildOptions(out="kg", html=False))
        later = paperkg.build(["c.jsonl"], paperkg.BuildOptions(update="kg"))
    """
    from paperkg.output import existing_graph, write_full, write_update
    from paperkg.pipeline import Existing, run
    from paperkg.sinks.base import write_graph

    if (options.out is None) == (options.update is None):
        raise PaperkgError("give either out (a new graph) or update (a graph directory to add to)")
    paths = check_inputs(inputs)
    existing: Existing | None = None
    if options.update is not None:
        existing = existing_graph(Path(options.update))
    out = _writable_dir(Path(options.out if options.out is not None else options.update))  # type: ignore[arg-type]
    ext = _extractor(options, extractor)
    result = run(paths, ext, options.strict, report, progress, jobs=options.jobs, existing=existing)
    rdf_iri = options.base_iri if options.rdf else None
    if existing is not None and existing.state is not None:  # only what changed is written
        whole = write_update(out, existing.state, result.extractions, rdf_iri)
    else:
        write_full(out, result.graph, result.extractions, rdf_iri, append_extractions=existing is not None)
        graph = result.graph
        whole = lambda: graph  # noqa: E731
    if options.html:
        from paperkg.sinks.html import HtmlSink

        write_graph(whole(), HtmlSink(out / "graph.html", max_nodes=options.max_nodes))
    if options.neo4j is not None:
        write_graph(whole(), _neo4j_sink(options.neo4j))
    if check:
        fail_on_input_errors(result.summary)
    return BuildResult(out, result.summary, whole)


def _graph(graph: KnowledgeGraph | PathLike) -> KnowledgeGraph:
    from paperkg.graph import KnowledgeGraph

    return graph if isinstance(graph, KnowledgeGraph) else KnowledgeGraph.load(graph)


def _neo4j_sink(target: Neo4jTarget) -> Any:
    from paperkg.sinks.neo4j import Neo4jSink

    return Neo4jSink(
        target.uri, target.user, target.password, database=target.database, batch_size=target.batch_size
    )


@dataclass(frozen=True)
class ExportOptions:
    base_iri: str = DEFAULT_BASE_IRI  # RDF: the base IRI of the resources
    max_nodes: int | None = None  # html: draw the N best-connected nodes
    focus: str | None = None  # html: draw only this entity's neighbourhood (name or alias)
    depth: int = 1  # html: hops around focus


def _rdf_sink(output: Path, fmt: str, o: ExportOptions) -> Any:
    from paperkg.sinks.rdf import RdfSink

    return RdfSink(output, fmt, o.base_iri)


def _html_sink(output: Path, fmt: str, o: ExportOptions) -> Any:
    from paperkg.sinks.html import HtmlSink

    return HtmlSink(output, max_nodes=o.max_nodes, focus=o.focus, depth=o.depth)


def _neo4j_csv_sink(output: Path, fmt: str, o: ExportOptions) -> Any:
    from paperkg.sinks.neo4j_csv import Neo4jCsvSink

    return Neo4jCsvSink(output)


#: format name -> the sink that writes it
SINK_MAP: Mapping[str, Callable[[Path, str, ExportOptions], Any]] = {
    **dict.fromkeys(RDF_FORMATS, _rdf_sink),
    "html": _html_sink,
    "neo4j-csv": _neo4j_csv_sink,
}


def export(
    graph: KnowledgeGraph | PathLike, fmt: str, output: PathLike, options: ExportOptions = ExportOptions()
) -> SinkReport:
    """Write a graph (or a graph.json file) as ``fmt``: one of :data:`EXPORT_FORMATS` (RDF
    serializations, the HTML page, or a directory of Neo4j import CSVs).

    Example::

        paperkg.export("kg/graph.json", "nt", "kg/graph.nt")
    """
    from paperkg.sinks.base import write_graph

    make = SINK_MAP.get(fmt)
    if make is None:
        raise PaperkgError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    return write_graph(_graph(graph), make(Path(output), fmt, options))


def load(graph: KnowledgeGraph | PathLike, target: Neo4jTarget) -> SinkReport:
    """Load a graph (or a graph.json file) into Neo4j: constraints, then batched idempotent MERGEs.

    Example::

        paperkg.load("kg/graph.json", paperkg.Neo4jTarget("bolt://localhost:7687", password="..."))
    """
    from paperkg.sinks.base import write_graph

    return write_graph(_graph(graph), _neo4j_sink(target))


def query(
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    backend: str = "cypher",
    rdf_file: PathLike | None = None,
    neo4j: Neo4jTarget = Neo4jTarget(),
) -> QueryResult:
    """Run a saved query (see :func:`saved_queries`) against Neo4j, or with ``backend="rdf"``
    over an RDF file (``rdf_file``); parameters are given as text and checked by the query.

    Example::

        r = paperkg.query("entity_neighbourhood", {"name": "GPT-4"}, backend="rdf", rdf_file="kg/graph.ttl")
        print(r.columns, r.rows[:3])
    """
    from paperkg.queries import load_query

    q = load_query(name, backend)
    values = q.bind(dict(params or {}))
    if backend == "rdf":
        if rdf_file is None:
            raise PaperkgError("the rdf backend needs an RDF file to query (an export of the graph)")
        from paperkg.queries.sparql import run_sparql

        columns, rows = run_sparql(q, values, os.fspath(rdf_file))
    else:
        from paperkg.queries.cypher import run_cypher

        t = neo4j
        columns, rows = run_cypher(q, values, t.uri, t.user, t.password, database=t.database)
    return QueryResult(list(columns), list(rows))


def saved_queries(backend: str = "cypher") -> list[tuple[str, str]]:
    """The saved queries of a backend: (name, what it answers)."""
    from paperkg.queries import list_queries, load_query

    return [(n, load_query(n, backend).description) for n in list_queries(backend)]


def diff(old: PathLike, new: PathLike, top: int = 20) -> GraphDiff:
    """What changed from the graph in ``old`` to the graph in ``new`` (build directories or
    graph.json files): new papers, new entities with the paper that introduced each, the ``top``
    rising entities, new links between known entities, and entities gone with the reason.

    Example::

        d = paperkg.diff("kg-last-week", "kg")
        print([e.name for e in d.new_entities if e.kind == "dataset"])
    """
    from paperkg.changes import diff as compare
    from paperkg.changes import read_graph

    return compare(read_graph(old), read_graph(new), top=top)

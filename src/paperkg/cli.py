"""The ``paperkg`` command line: one thin command per verb over the Python API.

Exit codes: 0 success, 1 bad input or a failed operation (one-line message), 2 usage.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from paperkg import __version__
from paperkg.api import EXPORT_FORMATS
from paperkg.ids import DEFAULT_BASE_IRI

F = TypeVar("F", bound=Callable[..., Any])


# ---------------------------------------------------------------- shared options
def quiet_option(f: F) -> F:
    return click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-record messages.")(f)


def input_options(f: F) -> F:
    f = click.option(
        "--strict", is_flag=True, help="Stop at the first bad record (exit 1) instead of skipping it."
    )(f)
    f = click.option(
        "--registry",
        type=click.Path(dir_okay=False),
        help="Extra registry entries (JSON Lines: name, type, aliases) added to the shipped ones.",
    )(f)
    return f


def jobs_option(f: F) -> F:
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1),
        default=1,
        show_default=True,
        help="Extraction processes (use the number of cores for large inputs).",
    )(f)


def names_option(f: F) -> F:
    return click.option(
        "--names",
        type=click.Choice(["canonical", "mention"]),
        default="canonical",
        show_default=True,
        help="canonical: each entity once, by name. mention: every mention span with its head noun and "
        'acronym as written ("IMDb dataset", "Stanford Sentiment Treebank (SST)"), as span-annotated '
        "corpora mark them.",
    )(f)


def neo4j_options(f: F) -> F:
    f = click.option(
        "--neo4j-user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True, help="Or NEO4J_USERNAME."
    )(f)
    f = click.option(
        "--neo4j-password", envvar="NEO4J_PASSWORD", default="", show_default=False, help="Or NEO4J_PASSWORD."
    )(f)
    f = click.option("--neo4j-database", default=None, help="Database name (default: the server's default).")(
        f
    )
    f = click.option(
        "--batch-size", default=1000, show_default=True, type=click.IntRange(1), help="Rows per transaction."
    )(f)
    return f


def errors_as_click(f: F) -> F:
    """Library errors become one-line ``click.ClickException``s (exit 1), never tracebacks."""
    from paperkg.errors import PaperkgError

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except PaperkgError as exc:
            raise click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


class Progress:
    """A one-line counter on stderr; silent when stderr is not a terminal or under --quiet."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.n = 0
        self.t0 = time.perf_counter()
        self.last = 0.0

    def __call__(self, k: int) -> None:
        self.n += k
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.last > 0.2:
            self.last = now
            rate = self.n / max(now - self.t0, 1e-9)
            click.echo(f"\r{self.label}: {self.n:,} papers ({rate:,.0f}/s)", nl=False, err=True)

    def close(self) -> None:
        if self.enabled and self.n:
            click.echo("\r" + " " * 60 + "\r", nl=False, err=True)


def _reporter(quiet: bool) -> Callable[[str], None]:
    def say(msg: str) -> None:
        if not quiet or msg.startswith("error"):
            click.echo(msg, err=True)

    return say


def _extractor(registry: str | None) -> Any:
    from paperkg.extraction import Extractor

    return Extractor(registry=registry)


def _check_inputs(inputs: tuple[str, ...]) -> None:
    from paperkg.api import check_inputs

    check_inputs(inputs)


def _run_hooks(registry: str | None, quiet: bool, progress: Progress) -> dict[str, Any]:
    """What the CLI hands a run: its extractor, messages and progress bar; it checks the inputs'
    errors itself, after printing what was read."""
    hooks = {"extractor": _extractor(registry), "report": _reporter(quiet), "progress": progress}
    return {**hooks, "check": False}


def _neo4j_target(uri: str, user: str, password: str, database: str | None, batch_size: int) -> Any:
    from paperkg.api import Neo4jTarget

    return Neo4jTarget(uri, user, password, database, batch_size)


# ---------------------------------------------------------------- commands
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperkg")
def main() -> None:
    """paperkg: ML paper listings in, a knowledge graph of papers, models, datasets,
    benchmarks and code out.

    Inputs are Hugging Face Daily Papers page text, arXiv metadata JSON Lines, the
    Hugging Face daily papers API JSON, or plain {"id", "title", "abstract"} records;
    gzip and standard input (-) work too.
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", help="Output file (JSON Lines); - for standard output.")
@names_option
@jobs_option
@input_options
@quiet_option
@errors_as_click
def extract(
    inputs: tuple[str, ...],
    output: str,
    names: str,
    jobs: int,
    strict: bool,
    registry: str | None,
    quiet: bool,
) -> None:
    """Extract entities and URLs from INPUTS, one JSON line per paper."""
    from paperkg import api

    progress = Progress("extract", quiet)
    options = api.RunOptions(jobs=jobs, strict=strict, registry=registry)
    result = api.extract(inputs, options, **_run_hooks(registry, quiet, progress))
    progress.close()
    result.write_jsonl(sys.stdout if output == "-" else Path(output), names)
    s = result.summary
    if not quiet:
        click.echo(
            f"{s.papers:,} papers extracted ({s.records_read:,} records read, "
            f"{s.duplicates:,} duplicates merged, {s.rejected:,} rejected)",
            err=True,
        )
    api.fail_on_input_errors(s)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output directory.")
@click.option(
    "--update",
    "update_dir",
    type=click.Path(file_okay=False),
    help="Add the new papers of INPUTS to the graph already in this directory (papers there are not "
    "extracted again), and rewrite its files.",
)
@jobs_option
@click.option(
    "--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="Base IRI of the RDF resources."
)
@click.option("--no-html", is_flag=True, help="Skip graph.html (large corpora).")
@click.option("--no-rdf", is_flag=True, help="Skip graph.ttl.")
@click.option(
    "--max-nodes", type=click.IntRange(1), default=None, help="graph.html: draw the N best-connected nodes."
)
@click.option("--neo4j", "neo4j_uri", default=None, help="Also load the graph into Neo4j at this bolt URI.")
@neo4j_options
@input_options
@quiet_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@errors_as_click
def build(
    inputs: tuple[str, ...],
    out_dir: str | None,
    update_dir: str | None,
    jobs: int,
    base_iri: str,
    no_html: bool,
    no_rdf: bool,
    max_nodes: int | None,
    neo4j_uri: str | None,
    neo4j_user: str,
    neo4j_password: str,
    neo4j_database: str | None,
    batch_size: int,
    strict: bool,
    registry: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Build the knowledge graph of INPUTS into --out DIR: graph.json, graph.ttl,
    graph.html and extraction.jsonl, and print a summary."""
    from paperkg import api

    if bool(out_dir) == bool(update_dir):
        raise click.UsageError("give either --out DIR (a new graph) or --update DIR (add to a graph)")
    neo4j = None
    if neo4j_uri:
        neo4j = _neo4j_target(neo4j_uri, neo4j_user, neo4j_password, neo4j_database, batch_size)
    options = api.BuildOptions(
        jobs=jobs, strict=strict, registry=registry, out=out_dir, update=update_dir, base_iri=base_iri,
        html=not no_html, rdf=not no_rdf, max_nodes=max_nodes, neo4j=neo4j,
    )  # fmt: skip
    progress = Progress("build", quiet)
    result = api.build(inputs, options, **_run_hooks(registry, quiet, progress))
    progress.close()
    _print_summary(result.summary, as_json)
    api.fail_on_input_errors(result.summary)


def _print_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        for line in summary.lines():
            click.echo(line)


@main.command()
@click.argument("graph_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@errors_as_click
def stats(graph_file: str, as_json: bool) -> None:
    """The summary of an existing GRAPH_FILE (graph.json): nodes per kind, edges per type."""
    from paperkg.graph import KnowledgeGraph

    g = KnowledgeGraph.load(graph_file)
    nodes, edges = g.counts()
    if as_json:
        click.echo(
            json.dumps({"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}, indent=2)
        )
        return
    from paperkg.pipeline import count_lines

    lines = [f"papers            {nodes.get('paper', 0):>8,}", *count_lines(nodes, edges, skip_empty=False)]
    click.echo("\n".join(lines))


@main.command(name="eval")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--gold",
    required=True,
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Gold JSON Lines (paper or span gold); repeat it for several files.",
)
@click.option("--errors", "show_errors", is_flag=True, help="List false positives and misses per paper.")
@click.option("--label", default="DATASET", show_default=True, help="Span gold: the label scored.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--cv",
    type=click.IntRange(2),
    default=None,
    help="K-fold cross-validation by paper: each fold is decided by a model trained on the others.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="--cv: the seed of the folds and training."
)
@click.option(
    "--decider",
    type=click.Choice(["default", "rules", "learned"]),
    default="default",
    show_default=True,
    help="Who decides over the candidates: the rules, the learned model, or the extractor's default.",
)
@names_option
@input_options
@errors_as_click
def eval_cmd(
    inputs: tuple[str, ...],
    gold: tuple[str, ...],
    show_errors: bool,
    label: str,
    as_json: bool,
    cv: int | None,
    seed: int,
    decider: str,
    names: str,
    strict: bool,
    registry: str | None,
) -> None:
    """Extract from INPUTS and score against --gold (the definitions of the shared referee).

    With --cv K, score K-fold cross-validation by paper over the papers of INPUTS that have gold:
    with --decider learned, each fold is decided by a model trained on the other folds' gold."""
    from paperkg.evaluate import EvalOptions, evaluate_inputs

    _check_inputs(inputs)
    options = EvalOptions(
        label=label, cv=cv, seed=seed, decider=decider, names=names, strict=strict, registry=registry
    )
    evaluation = evaluate_inputs(inputs, gold, options, _reporter(True))
    if as_json:
        click.echo(json.dumps(evaluation.figures))
    else:
        for line in evaluation.lines():
            click.echo(line)
    if show_errors:
        for e in evaluation.errors:
            for line in e.lines():
                click.echo(line)


@main.command()
@click.argument("graph_file", type=click.Path(dir_okay=False))
@click.option(
    "--to",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="Output format.",
)
@click.option("-o", "--output", required=True, help="Output file (a directory for neo4j-csv).")
@click.option(
    "--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="RDF: base IRI of the resources."
)
@click.option(
    "--max-nodes", type=click.IntRange(1), default=None, help="html: draw the N best-connected nodes."
)
@click.option("--focus", default=None, help="html: draw only this entity's neighbourhood (name or alias).")
@click.option(
    "--depth", type=click.IntRange(1), default=1, show_default=True, help="html: hops around --focus."
)
@errors_as_click
def export(
    graph_file: str,
    fmt: str,
    output: str,
    base_iri: str,
    max_nodes: int | None,
    focus: str | None,
    depth: int,
) -> None:
    """Export GRAPH_FILE (graph.json) to RDF (ttl, nt, jsonld, xml), HTML or Neo4j import CSVs."""
    from paperkg import api

    options = api.ExportOptions(base_iri=base_iri, max_nodes=max_nodes, focus=focus, depth=depth)
    report = api.export(graph_file, fmt, output, options)
    if fmt == "neo4j-csv":
        from paperkg.sinks.neo4j_csv import import_command

        command = shlex.join(import_command(Path(output)))
        click.echo("import into an empty database with:\n  " + command, err=True)
    click.echo(f"wrote {report.nodes:,} nodes and {report.edges:,} edges to {report.target}")


@main.command()
@click.argument("graph_file", type=click.Path(dir_okay=False))
@click.option("--neo4j", "neo4j_uri", required=True, help="Bolt URI, e.g. bolt://localhost:7687.")
@neo4j_options
@errors_as_click
def load(
    graph_file: str,
    neo4j_uri: str,
    neo4j_user: str,
    neo4j_password: str,
    neo4j_database: str | None,
    batch_size: int,
) -> None:
    """Load GRAPH_FILE (graph.json) into Neo4j: constraints, then batched idempotent MERGEs."""
    from paperkg import api

    target = _neo4j_target(neo4j_uri, neo4j_user, neo4j_password, neo4j_database, batch_size)
    report = api.load(graph_file, target)
    click.echo(f"loaded {report.nodes:,} nodes and {report.edges:,} relationships into {report.target}")


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option("--backend", type=click.Choice(["cypher", "rdf"]), default="cypher", show_default=True)
@click.option(
    "--graph", "graph_file", type=click.Path(dir_okay=False), help="rdf backend: the RDF file to query."
)
@click.option("--neo4j", "neo4j_uri", envvar="NEO4J_URI", default="bolt://localhost:7687", show_default=True)
@neo4j_options
@click.option("--json", "as_json", is_flag=True, help="Print rows as JSON.")
@click.option("--list", "list_only", is_flag=True, help="List the saved queries and what they answer.")
@errors_as_click
def query(
    name: str | None,
    params: tuple[str, ...],
    backend: str,
    graph_file: str | None,
    neo4j_uri: str,
    neo4j_user: str,
    neo4j_password: str,
    neo4j_database: str | None,
    batch_size: int,
    as_json: bool,
    list_only: bool,
) -> None:
    """Run the saved query NAME (see queries/) against Neo4j, or with --backend rdf over an RDF file."""
    from paperkg import api
    from paperkg.queries import load_query

    if list_only or not name:
        for qn, description in api.saved_queries(backend):
            q = load_query(qn, backend)
            ps = " ".join(f"{p.name}={p.default if p.default is not None else '…'}" for p in q.params)
            click.echo(f"{qn:<32} {description}" + (f"  [{ps}]" if ps else ""))
        return
    raw: dict[str, str] = {}
    for p in params:
        if "=" not in p:
            raise click.BadParameter(f"expected K=V, got {p!r}", param_hint="--param")
        k, v = p.split("=", 1)
        raw[k.strip()] = v
    if backend == "rdf" and not graph_file:
        raise click.UsageError("--backend rdf needs --graph FILE (an RDF export)")
    target = _neo4j_target(neo4j_uri, neo4j_user, neo4j_password, neo4j_database, batch_size)
    result = api.query(name, raw, backend=backend, rdf_file=graph_file, neo4j=target)
    if as_json:
        click.echo(json.dumps(result.rows, ensure_ascii=False, indent=2, default=str))
        return
    _print_table(result.columns, result.rows)


def _print_table(columns: list[str], rows: list[dict[str, Any]]) -> None:
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [min(60, max([len(c)] + [len(row[i]) for row in cells])) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)))
    click.echo(f"({len(rows)} rows)")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return str(v).replace("\n", " ")


# ---------------------------------------------------------------- train (paperkg.extraction.learn)
@main.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rising entities to list.")
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="Text: rows shown per table."
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole diff as JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Also write the report as a page.")
@errors_as_click
def diff(old: str, new: str, top: int, limit: int, as_json: bool, html_file: str | None) -> None:
    """What is new in graph NEW against graph OLD (build directories or graph.json files): new papers,
    new entities with the paper that introduced each, rising entities, new links between entities
    both know, and entities gone (merged, retyped, removed source).

    Example:

        paperkg diff out/last-week out/this-week --html changes.html
    """
    from paperkg import api
    from paperkg.changes_report import to_html, to_text
    from paperkg.files import atomic_file

    result = api.diff(old, new, top=top)
    if html_file:
        with atomic_file(Path(html_file), "w") as f:
            f.write(to_html(result, title=f"paperkg diff: {old} -> {new}"))
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(to_text(result, limit), nl=False)


@main.command(name="train")
@click.option(
    "--gold", "golds", multiple=True, type=click.Path(dir_okay=False), help="Paper gold (repeatable)."
)
@click.option("--papers", multiple=True, type=click.Path(dir_okay=False), help="Their papers (repeatable).")
@click.option("-o", "--output", default=None, help="Where to write the model (default: the shipped one).")
@click.option("--seed", type=int, default=0, show_default=True, help="Recorded; training is deterministic.")
@input_options
@errors_as_click
def train_cmd(
    golds: tuple[str, ...],
    papers: tuple[str, ...],
    output: str | None,
    seed: int,
    strict: bool,
    registry: str | None,
) -> None:
    """Train the learned decider (decision 0010) on paper gold; by default ../shared/gold train + dev."""
    from paperkg.extraction.learn.train import default_files, train

    if not golds:
        golds_l, papers_l = default_files()
        golds, papers = tuple(golds_l), tuple(papers_l)
    _check_inputs(golds + papers)
    command = "paperkg train" + "".join(f" --gold {g}" for g in golds) if output else "paperkg train"
    meta = train(golds, papers, output, registry, command=command, seed=seed)
    click.echo(json.dumps(meta, indent=2))


def entry() -> None:
    """The ``paperkg`` console script: :func:`main`, then leave without tearing the heap down
    object by object (after a build of a million papers that takes minutes; every file is closed
    and renamed into place by then)."""
    code = 0
    try:
        main()
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            print(exc.code, file=sys.stderr)
            code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()

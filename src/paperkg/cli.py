"""The ``paperkg`` command line: one thin command per verb over the Python API.

Exit codes: 0 success, 1 bad input or a failed operation (one-line message), 2 usage.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from paperkg import __version__
from paperkg.api import EXPORT_FORMATS
from paperkg.cli_options import (
    check_input_paths,
    errors_as_click,
    input_options,
    jobs_option,
    names_option,
    neo4j_options,
    neo4j_target,
    quiet_option,
    reporter,
    run_hooks,
)
from paperkg.cli_spark import spark
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.terminal import Progress, cell_text, table_lines

F = TypeVar("F", bound=Callable[..., Any])


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
    result = api.extract(inputs, options, **run_hooks(registry, quiet, progress))
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
        neo4j = neo4j_target(neo4j_uri, neo4j_user, neo4j_password, neo4j_database, batch_size)
    options = api.BuildOptions(
        jobs=jobs, strict=strict, registry=registry, out=out_dir, update=update_dir, base_iri=base_iri,
        html=not no_html, rdf=not no_rdf, max_nodes=max_nodes, neo4j=neo4j,
    )  # fmt: skip
    progress = Progress("build", quiet)
    result = api.build(inputs, options, **run_hooks(registry, quiet, progress))
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

    check_input_paths(inputs)
    options = EvalOptions(
        label=label, cv=cv, seed=seed, decider=decider, names=names, strict=strict, registry=registry
    )
    evaluation = evaluate_inputs(inputs, gold, options, reporter(True))
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

    target = neo4j_target(neo4j_uri, neo4j_user, neo4j_password, neo4j_database, batch_size)
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
    target = neo4j_target(neo4j_uri, neo4j_user, neo4j_password, neo4j_database, batch_size)
    result = api.query(name, raw, backend=backend, rdf_file=graph_file, neo4j=target)
    if as_json:
        click.echo(json.dumps(result.rows, ensure_ascii=False, indent=2, default=str))
        return
    for line in table_lines(
        result.columns, [[cell_text(r.get(c)) for c in result.columns] for r in result.rows], 60
    ):
        click.echo(line)
    click.echo(f"({len(result.rows)} rows)")


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


# ---------------------------------------------------------------- train (paperkg.extraction.learn)
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
    check_input_paths(golds + papers)
    command = "paperkg train" + "".join(f" --gold {g}" for g in golds) if output else "paperkg train"
    meta = train(golds, papers, output, registry, command=command, seed=seed)
    click.echo(json.dumps(meta, indent=2))


main.add_command(spark)


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

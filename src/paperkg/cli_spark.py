"""``paperkg spark``: the Spark job's command (also ``python -m paperkg.spark`` and the file
``spark-submit`` runs), a thin adapter over :func:`paperkg.spark.run_spark`."""

from __future__ import annotations

import json

import click

from paperkg.cli_options import errors_as_click, input_options, names_option, quiet_option, reporter
from paperkg.errors import PaperkgError
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.spark.job import OUTPUTS, SparkOptions


def _conf_pairs(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for kv in values:
        key, sep, value = kv.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{kv!r}: expected KEY=VALUE", param_hint="--conf")
        pairs.append((key, value))
    return tuple(pairs)


def _outputs(value: str) -> tuple[str, ...]:
    chosen = tuple(x.strip() for x in value.split(",") if x.strip())
    unknown = [x for x in chosen if x not in OUTPUTS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{(unknown or [value])[0]!r}: expected some of {', '.join(OUTPUTS)}", param_hint="--outputs"
        )
    return chosen


@click.command(name="spark", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, help="Output directory (new), at any path Spark can write.")
@click.option(
    "--master",
    default=None,
    help="Spark master, e.g. local[2] or yarn (default: spark-submit's, else local[*]).",
)
@click.option(
    "--outputs",
    "outputs_csv",
    default=",".join(OUTPUTS),
    show_default=True,
    help="Comma-separated outputs to write.",
)
@click.option(
    "--extraction-format", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True
)
@click.option("--partitions", type=click.IntRange(1), default=None, help="Extraction partitions.")
@click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="Base IRI of the N-Triples.")
@click.option("--conf", multiple=True, metavar="K=V", help="A Spark setting (repeatable).")
@names_option
@input_options
@quiet_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@errors_as_click
def spark(
    inputs: tuple[str, ...],
    out: str,
    master: str | None,
    outputs_csv: str,
    extraction_format: str,
    partitions: int | None,
    base_iri: str,
    conf: tuple[str, ...],
    names: str,
    strict: bool,
    registry: str | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Extract and build the graph of INPUTS on Apache Spark: extraction records, N-Triples and
    Neo4j import CSVs as directories of part files under --out (needs ``paperkg[spark]``).

    Example:

        paperkg spark corpus.jsonl.gz --out kg-spark --master 'local[2]'
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise PaperkgError("PySpark is not installed: pip install 'paperkg[spark]'") from None
    from paperkg.api import fail_on_input_errors
    from paperkg.spark.job import run_spark

    options = SparkOptions(
        out=out, master=master, outputs=_outputs(outputs_csv), extraction_format=extraction_format,
        names=names, partitions=partitions, registry=registry, strict=strict, base_iri=base_iri,
        conf=_conf_pairs(conf),
    )  # fmt: skip
    result = run_spark(inputs, options, report=reporter(quiet))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        for line in [*result.summary.lines(), *(f"{k:<18}{v}" for k, v in result.paths.items())]:
            click.echo(line)
    fail_on_input_errors(result.summary)

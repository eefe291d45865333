"""The command line's shared parts: option decorators used by several commands, the one place
library errors become one-line messages, and the hooks (extractor, reporter, progress) a run takes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from paperkg.terminal import Progress

F = TypeVar("F", bound=Callable[..., Any])


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


def reporter(quiet: bool) -> Callable[[str], None]:
    def say(msg: str) -> None:
        if not quiet or msg.startswith("error"):
            click.echo(msg, err=True)

    return say


def extractor_for(registry: str | None) -> Any:
    from paperkg.extraction import Extractor

    return Extractor(registry=registry)


def check_input_paths(inputs: tuple[str, ...]) -> None:
    from paperkg.api import check_inputs

    check_inputs(inputs)


def run_hooks(registry: str | None, quiet: bool, progress: Progress) -> dict[str, Any]:
    """What the CLI hands a run: its extractor, messages and progress bar; it checks the inputs'
    errors itself, after printing what was read."""
    hooks = {"extractor": extractor_for(registry), "report": reporter(quiet), "progress": progress}
    return {**hooks, "check": False}


def neo4j_target(uri: str, user: str, password: str, database: str | None, batch_size: int) -> Any:
    from paperkg.api import Neo4jTarget

    return Neo4jTarget(uri, user, password, database, batch_size)

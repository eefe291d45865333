"""What the command line shows on a terminal: a progress counter and text tables."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

import click


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


def cell_text(v: Any) -> str:
    """A value as one table cell: nothing for None, lists joined by commas, one line."""
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return str(v).replace("\n", " ")


def table_lines(
    headers: Sequence[str], rows: Sequence[Sequence[object]], max_width: int | None = None
) -> list[str]:
    """Aligned columns under a rule line, each column at most ``max_width`` wide (cut, not wrapped).

    Example:
        >>> table_lines(["name", "papers"], [["CLIP", 3]])
        ['name  papers', '----  ------', 'CLIP  3']
    """
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    if max_width is not None:
        widths = [min(max_width, w) for w in widths]
    out = ["  ".join(h[:w].ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c[:w].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return out

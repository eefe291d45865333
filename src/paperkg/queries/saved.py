"""Saved queries: ``NAME.cypher`` and its SPARQL twin ``NAME.rq``, shipped in the package
(``paperkg/data/queries/``, read through :mod:`importlib.resources`) or read from ``$PAPERKG_QUERIES``.

A query file starts with comment lines (``//`` for Cypher, ``#`` for SPARQL)::

    // most_used_datasets: the datasets used by the most papers.
    // param limit: int = 20

Parameters are passed as ``$name`` in Cypher and substituted as typed literals
in SPARQL (never as text pasted into the query).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from paperkg.errors import PaperkgError

BACKENDS = {"cypher": ".cypher", "rdf": ".rq"}
_PARAM = re.compile(r"^\s*(?://|#)\s*param\s+(\w+)\s*:\s*(int|str)\s*(?:=\s*(.*?))?\s*$")
_DESC = re.compile(r"^\s*(?://|#)\s*(\w+)\s*:\s*(.+?)\s*$")


class QueryError(PaperkgError, ValueError):
    """Unknown query, bad parameter, or a query that failed."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "int" or "str"
    default: Any  # None when required

    def coerce(self, raw: str) -> Any:
        if self.type == "int":
            try:
                return int(raw)
            except ValueError:
                raise QueryError(f"parameter {self.name} must be an integer, got {raw!r}") from None
        return raw


@dataclass(frozen=True)
class SavedQuery:
    name: str
    backend: str
    text: str
    description: str
    params: tuple[Param, ...]

    def bind(self, raw: dict[str, str]) -> dict[str, Any]:
        """Typed parameter values from ``k=v`` strings, with defaults; unknown or missing ones fail."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise QueryError(f"query {self.name} has no parameter {', '.join(unknown)}")
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in raw:
                out[p.name] = p.coerce(raw[p.name])
            elif p.default is not None:
                out[p.name] = p.default
            else:
                raise QueryError(f"query {self.name} needs --param {p.name}=...")
        return out


def queries_dir() -> Traversable:
    """``$PAPERKG_QUERIES`` if set, else the queries shipped in the package (``paperkg/data/queries``)."""
    env = os.environ.get("PAPERKG_QUERIES")
    if env:
        return Path(env)
    return resources.files("paperkg").joinpath("data", "queries")


def list_queries(backend: str = "cypher") -> list[str]:
    if backend not in BACKENDS:
        raise QueryError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    ext = BACKENDS[backend]
    where = queries_dir()
    if not where.is_dir():
        raise QueryError(f"no saved queries: {where} is not a directory")
    return sorted(p.name[: -len(ext)] for p in where.iterdir() if p.name.endswith(ext) and p.is_file())


def load_query(name: str, backend: str = "cypher") -> SavedQuery:
    if backend not in BACKENDS:
        raise QueryError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise QueryError(f"bad query name {name!r}")
    path = queries_dir().joinpath(f"{name}{BACKENDS[backend]}")
    if not path.is_file():
        names = ", ".join(list_queries(backend))
        raise QueryError(f"no saved query {name!r} for {backend} (known: {names})")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QueryError(f"saved query {path} is not UTF-8 text") from None
    params: list[Param] = []
    description = ""
    for line in text.splitlines():
        if not line.lstrip().startswith(("//", "#")):
            if line.strip():
                break
            continue
        if m := _PARAM.match(line):
            pname, ptype, default = m.groups()
            value: Any = None
            if default not in (None, ""):
                try:
                    value = int(default) if ptype == "int" else default.strip("\"'")
                except ValueError:
                    raise QueryError(f"saved query {path}: default of {pname} is not an integer") from None
            params.append(Param(pname, ptype, value))
        elif (m := _DESC.match(line)) and m.group(1) == name and not description:
            description = m.group(2)
    return SavedQuery(name, backend, text, description, tuple(params))

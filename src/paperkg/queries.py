"""Saved queries: ``queries/NAME.cypher`` and its SPARQL twin ``queries/NAME.rq``.

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
from pathlib import Path
from typing import Any

BACKENDS = {"cypher": ".cypher", "rdf": ".rq"}
_PARAM = re.compile(r"^\s*(?://|#)\s*param\s+(\w+)\s*:\s*(int|str)\s*(?:=\s*(.*?))?\s*$")
_DESC = re.compile(r"^\s*(?://|#)\s*(\w+)\s*:\s*(.+?)\s*$")


class QueryError(ValueError):
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


def queries_dir() -> Path:
    """``$PAPERKG_QUERIES``, else the repository's ``queries/``, else the copy shipped in the package."""
    env = os.environ.get("PAPERKG_QUERIES")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2] / "queries"
    if repo.is_dir():
        return repo
    return Path(__file__).resolve().parent / "queries"


def list_queries(backend: str = "cypher") -> list[str]:
    ext = BACKENDS[backend]
    return sorted(p.stem for p in queries_dir().glob(f"*{ext}"))


def load_query(name: str, backend: str = "cypher") -> SavedQuery:
    if backend not in BACKENDS:
        raise QueryError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise QueryError(f"bad query name {name!r}")
    path = queries_dir() / f"{name}{BACKENDS[backend]}"
    if not path.is_file():
        names = ", ".join(list_queries(backend))
        raise QueryError(f"no saved query {name!r} for {backend} (known: {names})")
    text = path.read_text(encoding="utf-8")
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
                value = int(default) if ptype == "int" else default.strip("\"'")
            params.append(Param(pname, ptype, value))
        elif (m := _DESC.match(line)) and m.group(1) == name and not description:
            description = m.group(2)
    return SavedQuery(name, backend, text, description, tuple(params))

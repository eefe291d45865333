"""Running a saved SPARQL query (``queries/NAME.rq``) over an RDF export, in an in-memory
pyoxigraph store: no server."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from paperkg.queries.saved import QueryError, SavedQuery
from paperkg.rdf_terms import FORMATS
from paperkg.readers.rdf import guess_format, term_value

_VALUES_ARG = "VALUES ?arg_{name} {{"
_LIMIT = re.compile(r"\bLIMIT\s+\d+", re.IGNORECASE)


def _sparql_literal(value: Any) -> str:
    # pyoxigraph renders the literal with N-Triples escaping, which SPARQL accepts as is.
    return str(ox.Literal(value))


def bind_sparql(query: SavedQuery, params: Mapping[str, Any]) -> str:
    """The query text with its parameters bound as typed literals.

    A parameter ``x`` is declared in the header (``# param x: str``) and used in the body through
    ``VALUES ?arg_x { ... }`` (the braces get the literal); a ``name`` parameter is looked up
    through its key, ``VALUES ?arg_x_key { ... }`` (the value itself may be used too); ``limit``
    replaces the ``LIMIT n`` clause (an integer, checked). Values never reach the text unescaped.
    """
    values = query.bind(params)
    text = query.text
    for p in query.params:
        value = values[p.name]
        if p.name == "limit":
            if value < 0:
                raise QueryError(f"parameter limit must be >= 0, got {value}")
            text, n = _LIMIT.subn(f"LIMIT {value}", text)
        else:
            text, n = _bind_values(text, p.name, _sparql_literal(value))
        if p.key_name:
            text, k = _bind_values(text, p.key_name, _sparql_literal(values[p.key_name]))
            if k == 0:
                raise QueryError(f"query {query.name}: name parameter {p.name} is not looked up by its key")
            n += k
        if n == 0:
            raise QueryError(f"query {query.name}: parameter {p.name} is declared but not used")
    return text


def _bind_values(text: str, name: str, literal: str) -> tuple[str, int]:
    opening = _VALUES_ARG.format(name=name)
    out: list[str] = []
    pos = n = 0
    while (i := text.find(opening, pos)) >= 0:
        j = text.find("}", i)
        if j < 0:
            break
        out.append(text[pos : i + len(opening)])
        out.append(f" {literal} ")
        pos = j
        n += 1
    out.append(text[pos:])
    return "".join(out), n


_store_cache: dict[tuple[str, int, int, str], ox.Store] = {}


def load_store(graph_path: str | os.PathLike[str], fmt: str | None = None) -> ox.Store:
    """An in-memory pyoxigraph store holding the RDF file (the last one loaded is cached)."""
    fmt = guess_format(graph_path, fmt)
    p = Path(graph_path)
    try:
        st = p.stat()
    except OSError as exc:
        raise QueryError(f"{p}: {exc.strerror}") from exc
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size, fmt)
    store = _store_cache.get(key)
    if store is None:
        store = ox.Store()
        try:
            store.bulk_load(path=p, format=FORMATS[fmt])
        except SyntaxError as exc:
            raise QueryError(f"{p}: not valid {fmt}: {exc}") from exc
        if len(store) == 0:
            raise QueryError(f"{p}: no RDF triples in it as {fmt} (is it an RDF export of a graph?)")
        _store_cache.clear()
        _store_cache[key] = store
    return store


def run_sparql(
    query: SavedQuery,
    params: Mapping[str, Any],
    graph_path: str | os.PathLike[str],
    fmt: str | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a saved SPARQL query on an RDF export; returns (columns, rows).

    Integer and double literals come back as ``int`` / ``float``, other literals and IRIs as
    ``str``, unbound values as ``None``.
    """
    text = bind_sparql(query, params)
    store = load_store(graph_path, fmt)
    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise QueryError(f"query {query.name}: {exc}") from exc
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"query {query.name} is not a SELECT query")
    columns = [v.value for v in result.variables]
    rows = [{c: _cell(sol[c]) for c in columns} for sol in result]
    return columns, rows


def _cell(term: Any) -> Any:
    return None if term is None else term_value(term)


__all__ = ["bind_sparql", "load_store", "run_sparql"]

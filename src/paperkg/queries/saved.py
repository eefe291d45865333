"""Saved queries: ``NAME.cypher`` and its SPARQL twin ``NAME.rq``, shipped in the package
(``paperkg/data/queries/``, read through :mod:`importlib.resources`) or read from ``$PAPERKG_QUERIES``.

A query file starts with comment lines (``//`` for Cypher, ``#`` for SPARQL)::

    // models_on_benchmark: the models used by papers that evaluate on a benchmark.
    // param benchmark: name
    // param limit: int = 20

``// param NAME: TYPE [= DEFAULT]`` declares a parameter; ``TYPE`` is ``int``, ``str`` or ``name``.
A ``name`` is text, as a ``str`` is, naming an entity: binding it also gives ``NAME_key``, its
:func:`paperkg.keys.name_key`, which is what the queries look the entity up by (an index seek on
``(:NameKey {key: $NAME_key})`` in Cypher, ``?e pkg:nameKey ?arg_NAME_key`` in SPARQL; see
:mod:`paperkg.sinks.name_keys`), so ``gpt 4o`` finds GPT-4o.

Parameters are passed as ``$NAME`` (and ``$NAME_key``) in Cypher and substituted as typed literals
in SPARQL (never as text pasted into the query; :func:`paperkg.queries.sparql.bind_sparql`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from paperkg.errors import PaperkgError
from paperkg.keys import name_key

BACKENDS = {"cypher": ".cypher", "rdf": ".rq"}
PARAM_TYPES = ("int", "str", "name")
#: The bound value a ``name`` parameter also gives: its name key, under the parameter's name + this.
KEY_SUFFIX = "_key"
_PARAM = re.compile(rf"^\s*(?://|#)\s*param\s+(\w+)\s*:\s*({'|'.join(PARAM_TYPES)})\s*(?:=\s*(.*?))?\s*$")
_DESC = re.compile(r"^\s*(?://|#)\s*(\w+)\s*:\s*(.+?)\s*$")


class QueryError(PaperkgError, ValueError):
    """Unknown query, bad parameter, or a query that failed."""


@dataclass(frozen=True)
class Param:
    """A declared parameter: its name, type (one of :data:`PARAM_TYPES`) and default (None when
    it is required)."""

    name: str
    type: str
    default: Any

    @property
    def key_name(self) -> str | None:
        """The name under which a ``name`` parameter's key is bound (``model_key``); None for others."""
        return self.name + KEY_SUFFIX if self.type == "name" else None

    def coerce(self, value: Any) -> Any:
        """The typed value of ``value`` (text as given on the command line, or already typed)."""
        if self.type == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str):
                try:
                    return int(value)
                except ValueError:
                    pass
            raise QueryError(f"parameter {self.name} must be an integer, got {value!r}")
        if not isinstance(value, str):
            raise QueryError(f"parameter {self.name} must be a string, got {value!r}")
        return value


@dataclass(frozen=True)
class SavedQuery:
    name: str
    backend: str
    text: str
    description: str
    params: tuple[Param, ...]

    def bind(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Typed parameter values from ``k=v`` strings (or typed values), with defaults, and the key
        of each ``name`` parameter; unknown or missing ones fail.

        A key given along (values bound before) must be the key of its value.
        """
        keys = {p.key_name: p for p in self.params if p.key_name}
        unknown = sorted(set(raw) - {p.name for p in self.params} - set(keys))
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
        for key, p in keys.items():
            out[key] = name_key(out[p.name])
            if key in raw and raw[key] != out[key]:
                raise QueryError(
                    f"parameter {key} is the name key of {p.name}: {out[key]!r}, not {raw[key]!r}"
                )
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
    description, params = _header(text, name, path)
    return SavedQuery(name, backend, text, description, params)


def _header(text: str, name: str, path: Traversable) -> tuple[str, tuple[Param, ...]]:
    """A query file's description and parameters, from its leading comment lines."""
    params: list[Param] = []
    bound: set[str] = set()  # the names the parameters bind (with the keys of name parameters)
    description = ""
    for line in text.splitlines():
        if not line.lstrip().startswith(("//", "#")):
            if line.strip():
                break
            continue
        if m := _PARAM.match(line):
            param = _param(path, *m.groups())
            names = {n for n in (param.name, param.key_name) if n}
            if names & bound:
                raise QueryError(f"saved query {path}: parameter {param.name} clashes with another")
            bound |= names
            params.append(param)
        elif (m := _DESC.match(line)) and m.group(1) == name and not description:
            description = m.group(2)
    return description, tuple(params)


def _param(path: Traversable, name: str, ptype: str, default: str | None) -> Param:
    """The parameter of a ``param NAME: TYPE [= DEFAULT]`` line."""
    value: Any = None
    if default not in (None, ""):
        try:
            value = int(default) if ptype == "int" else default.strip("\"'")
        except ValueError:
            raise QueryError(f"saved query {path}: default of {name} is not an integer") from None
    return Param(name, ptype, value)

"""CSV files for ``neo4j-admin database import full`` (bulk load into an empty database).

Files written into ``outdir``:

* ``nodes_<Label>.csv`` per node kind: ``id:ID``, ``:LABEL`` (``Model;Entity`` for entities), ``kind``, then
  the kind's properties with typed headers: ``start:long``, ``confidence:double``, ``flag:boolean``,
  ``aliases:string[]``; untyped columns are strings.
* ``rels_<TYPE>.csv`` per relationship type: ``:START_ID``, ``:END_ID``, ``:TYPE``, then the evidence
  properties typed the same way.
* ``nodes_NameKey.csv`` (``key:ID(NameKey)``, ``:LABEL``) and ``rels_NAMES.csv`` (``:START_ID(NameKey)``,
  ``:END_ID``, ``:TYPE``): the entities' name keys (:mod:`paperkg.sinks.name_keys`), one row per
  distinct key and one per (key, entity), as the Bolt sink writes them.
* ``neo4j-admin-import.sh``: the exact import command (also returned by :meth:`Neo4jCsvSink.command` and
  :func:`import_command`).
* ``neo4j-schema.cypher``: the uniqueness constraints, one statement a line, to run once the imported
  database is started (``cypher-shell -f neo4j-schema.cypher``); neo4j-admin creates none, and the saved
  queries' name lookups are index seeks only with the ``NameKey.key`` constraint in place.

Node ids are globally unique in paperkg (``paper:…``, ``model:…``), so one ID space is used for them;
name keys have their own (``NameKey``).

Quoting: fields are RFC 4180 CSV (``"`` doubled inside quoted fields), which neo4j-admin reads with its
default ``--quote='"'``; text may contain newlines, hence ``--multiline-fields=true``. An empty field
means "no property" (neo4j-admin's default), so empty strings are not kept. Integers are written as
``long`` and floats as ``double`` (Cypher's integer and float types), so values survive the import.

Arrays: elements are joined with the array delimiter, ``;`` by default. neo4j-admin has no escape for the
array delimiter, so if any list element contains ``;`` the sink uses the ASCII unit separator U+001F instead
for the whole export, and the command line says so (``--array-delimiter=U+001F``). Rows are buffered until
:meth:`finalize` for that reason (and to know every column of a kind before writing its header).
"""

from __future__ import annotations

import csv
import json
import shlex
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import SinkError, SinkReport
from paperkg.sinks.name_keys import name_keys
from paperkg.sinks.neo4j import ENTITY_LABEL, NAME_KEY_LABEL, NAMES_TYPE, constraint_statements

DEFAULT_ARRAY_DELIMITER = ";"
FALLBACK_ARRAY_DELIMITER = "\x1f"
SCHEMA_FILE = "neo4j-schema.cypher"


def _type_of(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, list | tuple | set | frozenset):
        return "string[]"
    return "string"


def _merge_type(a: str | None, b: str) -> str:
    if a is None or a == b:
        return b
    if {a, b} == {"long", "double"}:
        return "double"
    if "string[]" in (a, b):
        return "string[]"
    return "string"


def _element(x: Any) -> str:
    return x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)


def delimiter_flag(delim: str) -> str:
    """How ``--array-delimiter`` spells a delimiter (``U+001F`` for control characters)."""
    return delim if delim.isprintable() and not delim.isspace() else f"U+{ord(delim):04X}"


def import_command(
    outdir: str | Path,
    database: str = "neo4j",
    array_delimiter: str = DEFAULT_ARRAY_DELIMITER,
    admin: str = "neo4j-admin",
) -> list[str]:
    """The ``neo4j-admin database import full`` argv for the CSV files in ``outdir`` (absolute paths)."""
    out = Path(outdir).resolve()
    nodes = sorted(out.glob("nodes_*.csv"))
    rels = sorted(out.glob("rels_*.csv"))
    if not nodes:
        raise SinkError(f"{out}: no nodes_*.csv files (run the neo4j-csv export first)")
    argv = [admin, "database", "import", "full"]
    argv += [f"--nodes={p}" for p in nodes]
    argv += [f"--relationships={p}" for p in rels]
    argv += [
        f"--array-delimiter={delimiter_flag(array_delimiter)}",
        "--multiline-fields=true",
        "--overwrite-destination=true",
        database,
    ]
    return argv


class Neo4jCsvSink:
    """Sink protocol (``write_node``, ``write_edge``, ``finalize``) writing neo4j-admin import CSVs."""

    def __init__(self, outdir: str | Path, database: str = "neo4j") -> None:
        self.outdir = Path(outdir)
        self.database = database
        self.array_delimiter = DEFAULT_ARRAY_DELIMITER
        self._nodes: dict[NodeKind, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        self._edges: dict[EdgeType, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
        self._node_types: dict[NodeKind, dict[str, str]] = defaultdict(dict)
        self._edge_types: dict[EdgeType, dict[str, str]] = defaultdict(dict)
        self._needs_fallback = False
        self._keys: dict[str, list[str]] = {}  # name key -> the entities it names

    def _clean(self, props: Mapping[str, Any], types: dict[str, str], reserved: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in props.items():
            key = str(k)
            if v is None or key in reserved or ":" in key:
                continue
            if isinstance(v, Mapping):
                v = json.dumps(v, ensure_ascii=False, sort_keys=True)
            elif isinstance(v, list | tuple | set | frozenset):
                v = [_element(x) for x in v if x is not None]
                if any(DEFAULT_ARRAY_DELIMITER in x for x in v):
                    self._needs_fallback = True
            elif not isinstance(v, bool | int | float | str):
                v = str(v)
            out[key] = v
            types[key] = _merge_type(types.get(key), _type_of(v))
        return out

    def write_node(self, node: Node) -> None:
        props = self._clean(node.props, self._node_types[node.kind], {"id", "kind"})
        self._nodes[node.kind].append((node.id, props))
        for key in name_keys(node):
            self._keys.setdefault(key, []).append(node.id)

    def write_edge(self, edge: Edge) -> None:
        props = self._clean(edge.props, self._edge_types[edge.type], set())
        self._edges[edge.type].append((edge.source, edge.target, props))

    def _cell(self, v: Any, typ: str) -> Any:
        if v is None:
            return None
        if typ == "string[]":
            items = v if isinstance(v, list) else [str(v)]
            return self.array_delimiter.join(items) if items else None
        if typ == "boolean":
            return "true" if v else "false"
        if isinstance(v, float) and typ == "string":
            return repr(v)
        return v

    def finalize(self) -> SinkReport:
        if self._needs_fallback:
            self.array_delimiter = FALLBACK_ARRAY_DELIMITER
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
            for old in [*self.outdir.glob("nodes_*.csv"), *self.outdir.glob("rels_*.csv")]:
                old.unlink()
            n = sum(self._write_nodes(kind, rows) for kind, rows in self._nodes.items())
            e = sum(self._write_edges(t, rows) for t, rows in self._edges.items())
            self._write_name_keys()
            script = self.outdir / "neo4j-admin-import.sh"
            if n:
                script.write_text(
                    "#!/bin/sh\n# Bulk-load these CSV files into an EMPTY (stopped) Neo4j database;\n"
                    f"# then start it and create the constraints: cypher-shell -f {SCHEMA_FILE}\n"
                    + shlex.join(self.command())
                    + "\n",
                    encoding="utf-8",
                )
                (self.outdir / SCHEMA_FILE).write_text(
                    "".join(f"{stmt};\n" for stmt in constraint_statements()), encoding="utf-8"
                )
        except OSError as exc:
            raise SinkError(f"{self.outdir}: cannot write CSV files: {exc.strerror or exc}") from None
        return SinkReport(n, e, str(self.outdir))

    def command(self, admin: str = "neo4j-admin") -> list[str]:
        """The import argv for the files written by :meth:`finalize`."""
        return import_command(self.outdir, self.database, self.array_delimiter, admin)

    def _write(self, path: Path, header: Sequence[str], rows: list[list[Any]]) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        tmp.replace(path)

    def _write_nodes(self, kind: NodeKind, rows: list[tuple[str, dict[str, Any]]]) -> int:
        types = self._node_types[kind]
        cols = sorted(types)
        labels = [kind.label, ENTITY_LABEL] if kind.is_entity else [kind.label]
        label_cell = self.array_delimiter.join(labels)
        header = ["id:ID", ":LABEL", "kind", *(_header(c, types[c]) for c in cols)]
        out = [
            [nid, label_cell, kind.value, *(self._cell(p.get(c), types[c]) for c in cols)] for nid, p in rows
        ]
        self._write(self.outdir / f"nodes_{kind.label}.csv", header, out)
        return len(out)

    def _write_edges(self, etype: EdgeType, rows: list[tuple[str, str, dict[str, Any]]]) -> int:
        types = self._edge_types[etype]
        cols = sorted(types)
        header = [":START_ID", ":END_ID", ":TYPE", *(_header(c, types[c]) for c in cols)]
        out = [[s, t, etype.value, *(self._cell(p.get(c), types[c]) for c in cols)] for s, t, p in rows]
        self._write(self.outdir / f"rels_{etype.value}.csv", header, out)
        return len(out)

    def _write_name_keys(self) -> None:
        """``nodes_NameKey.csv`` and ``rels_NAMES.csv`` (none when no entity has a key). Not counted in
        the report, which counts the graph's nodes and edges."""
        if not self._keys:
            return
        keys = sorted(self._keys)
        self._write(
            self.outdir / f"nodes_{NAME_KEY_LABEL}.csv",
            [f"key:ID({NAME_KEY_LABEL})", ":LABEL"],
            [[k, NAME_KEY_LABEL] for k in keys],
        )
        self._write(
            self.outdir / f"rels_{NAMES_TYPE}.csv",
            [f":START_ID({NAME_KEY_LABEL})", ":END_ID", ":TYPE"],
            [[k, nid, NAMES_TYPE] for k in keys for nid in self._keys[k]],
        )


def _header(name: str, typ: str) -> str:
    return name if typ == "string" else f"{name}:{typ}"

"""Neo4j import CSVs from Spark partitions: the files :mod:`paperkg.sinks.neo4j_csv` writes, in parts.

Each partition's nodes and edges go through a :class:`~paperkg.sinks.neo4j_csv.Neo4jCsvSink` (into a
temporary directory on the executor), so every cell is the sink's. A file's columns, their types and
the export's array delimiter depend on every row of the graph (``upvotes`` may be long in one
partition and double in another; one array element with ``;`` anywhere makes U+001F the delimiter
of the whole export), so the rows wait in Spark's storage while the driver merges what the sinks
wrote (:func:`sink_rows`: each file's header and row count, the delimiter, a few hundred bytes a
partition, gathered by an accumulator) into one :class:`CsvLayout`: per file, the sink's leading
columns (ids, labels, kind or type), then the union of the property columns, each typed as the sink
types mixed values (long and double: double; any array: array; else string). A partition whose
header is the export's writes its rows as they are; another's are laid out again to it (a missing
column is empty; an array cell takes the export's delimiter). A file of another ID space than the
graph's node ids (``key:ID(NameKey)``: one row per name key, which entities of several partitions
may share) has its repeated rows dropped; a graph node is in one partition only.

All files go to one directory of ``part-NNNNN`` files: each CSV file is a run of parts, its header
first in the first (:attr:`CsvLayout.parts`), so neo4j-admin reads the run as one file
(``--nodes=part-00000,part-00001,...``); :func:`import_argv` gives the command. Other files the sink
writes beside its CSVs (the import script aside) are kept in :attr:`CsvLayout.extras`.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.model import Edge, Node
from paperkg.sinks.base import SinkError
from paperkg.sinks.neo4j_csv import (
    DEFAULT_ARRAY_DELIMITER,
    FALLBACK_ARRAY_DELIMITER,
    Neo4jCsvSink,
    delimiter_flag,
)
from paperkg.spark.build import GraphItem

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.accumulators import Accumulator

    from paperkg.spark.gather import Notes

#: A header cell of the sink's own (not a property): ids, labels, type, and a node's kind.
_OWN = re.compile(r"\w*:(?:ID|START_ID|END_ID)(?:\(\w+\))?|:LABEL|:TYPE|kind")
#: The first cell of a file whose ids are not the graph's node ids (their rows may repeat).
_OTHER_IDS = re.compile(r"\w*:ID\(\w+\)")
LABEL = ":LABEL"
SCRIPT = "neo4j-admin-import.sh"
#: Rows per part file (a file with more rows is written by several tasks).
ROWS_PER_PART = 1_000_000
_DELIMITER = "delimiter"


def _column(cell: str) -> tuple[str, str]:
    """A header cell's column name and type ("upvotes:long" -> ("upvotes", "long"))."""
    name, _, typ = cell.rpartition(":")
    return (name, typ) if name and typ in ("long", "double", "boolean", "string[]") else (cell, "string")


def _own(header: list[str]) -> int:
    """How many of a file's first columns are the sink's own (the rest are properties)."""
    n = 0
    while n < len(header) and _OWN.fullmatch(header[n]):
        n += 1
    return n


def _cell(name: str, typ: str) -> str:
    return name if typ == "string" else f"{name}:{typ}"


def joined_type(types: set[str]) -> str:
    """The type of a column holding values of ``types``, as the sink types it."""
    if len(types) == 1:
        return next(iter(types))
    if "string[]" in types:
        return "string[]"
    return "double" if types == {"long", "double"} else "string"


def _sink_files(items: Iterable[GraphItem], directory: str) -> tuple[Neo4jCsvSink, list[Path]]:
    sink = Neo4jCsvSink(directory)
    for item in items:
        if isinstance(item, Node):
            sink.write_node(item)
        else:
            assert isinstance(item, Edge)
            sink.write_edge(item)
    sink.finalize()
    return sink, sorted(Path(directory).iterdir())


def sink_rows(
    found: Accumulator[Notes], index: int, items: Iterator[GraphItem]
) -> Iterator[tuple[str, int, list[str]]]:
    """A partition's CSV rows as its sink writes them: (file name, partition, cells). What the
    sink wrote besides (each file's header and number of rows, the array delimiter, other files)
    goes to ``found``."""
    seen: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="paperkg-csv-") as d:
        sink, files = _sink_files(items, d)
        for f in files:
            if f.suffix != ".csv":
                if f.name != SCRIPT:
                    seen.append(("extra", f.name, f.read_text(encoding="utf-8")))
                continue
            with open(f, encoding="utf-8", newline="") as fh:
                rows = csv.reader(fh)
                header = next(rows)
                n = 0
                for n, row in enumerate(rows, start=1):  # noqa: B007 - n counts them
                    yield f.name, index, row
                seen.append(("file", index, f.name, header, n))
    seen.append(("delimiter", index, sink.array_delimiter))
    found.add(seen)


@dataclass
class CsvLayout:
    """The export's files: each one's header, its run of part numbers, and the array delimiter."""

    headers: dict[str, list[str]] = field(default_factory=dict)
    parts: dict[str, range] = field(default_factory=dict)
    delimiter: str = DEFAULT_ARRAY_DELIMITER
    extras: dict[str, str] = field(default_factory=dict)  # other files: name -> text
    local: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # each partition's headers
    local_delimiters: dict[int, str] = field(default_factory=dict)

    @classmethod
    def merged(cls, found: Iterable[tuple[Any, ...]]) -> CsvLayout:
        """The layout of what every partition's sink wrote (:func:`sink_rows`)."""
        types: dict[str, dict[str, set[str]]] = {}
        own: dict[str, list[str]] = {}
        rows: Counter[str] = Counter()
        layout = cls()
        for what, *value in found:
            if what == "delimiter":
                index, delimiter = value
                layout.local_delimiters[index] = delimiter
                if delimiter != DEFAULT_ARRAY_DELIMITER:
                    layout.delimiter = FALLBACK_ARRAY_DELIMITER
            elif what == "extra":
                layout.extras[value[0]] = value[1]
            else:
                index, name, header, n = value
                layout.local[(index, name)] = header
                own[name] = header[: _own(header)]
                rows[name] += n
                columns = types.setdefault(name, {})
                for col, typ in map(_column, header[_own(header) :]):
                    columns.setdefault(col, set()).add(typ)
        start = 0
        for name in sorted(own):
            cols = types[name]
            layout.headers[name] = own[name] + [_cell(c, joined_type(cols[c])) for c in sorted(cols)]
            count = max(1, math.ceil(rows[name] / ROWS_PER_PART))
            layout.parts[name] = range(start, start + count)
            start += count
        return layout

    @property
    def number_of_parts(self) -> int:
        return max((r.stop for r in self.parts.values()), default=0)

    def part_of(self, key: tuple[str, int]) -> int:
        """The part a row goes to: ``(file name, -1)`` is the header (in the first part of its
        file), ``(file name, n)`` a row (``n``: its number, or the hash of a row that may repeat)."""
        name, n = key
        run = self.parts[name]
        return run.start if n < 0 else run.start + n % len(run)

    def repeats(self, name: str) -> bool:
        """Whether rows of file ``name`` may come from several partitions (other ids than nodes')."""
        return bool(_OTHER_IDS.fullmatch(self.headers[name][0]))


class _Relayout:
    """One partition file's rows, laid out to the export's header of that file."""

    def __init__(self, header: list[str], layout: CsvLayout, name: str, delimiter: str) -> None:
        self.own = _own(header)
        local = {col: (i, typ) for i, (col, typ) in enumerate(map(_column, header)) if i >= self.own}
        self.plan = [local.get(_column(c)[0]) for c in layout.headers[name][self.own :]]
        self.width = len(header)
        self.labels = header.index(LABEL) if LABEL in header else None
        self.split = delimiter if delimiter != layout.delimiter else None
        self.delimiter = layout.delimiter

    def _array(self, cell: str) -> str:
        return self.delimiter.join(cell.split(self.split)) if self.split and cell else cell

    def __call__(self, row: list[str]) -> list[str]:
        if len(row) != self.width:  # a bare carriage return in a cell would split its row
            raise SinkError(f"a CSV row read back has {len(row)} cells, its header {self.width}")
        out = row[: self.own]
        if self.labels is not None:
            out[self.labels] = self._array(out[self.labels])
        for at in self.plan:
            if at is None:
                out.append("")
            else:
                i, typ = at
                out.append(self._array(row[i]) if typ == "string[]" else row[i])
        return out


class _Line:
    """CSV rows as the sink writes them, one at a time (without the newline)."""

    def __init__(self) -> None:
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="\n")

    def __call__(self, row: list[str]) -> str:
        self.buf.seek(0)
        self.buf.truncate()
        self.writer.writerow(row)
        return self.buf.getvalue()[:-1]


def laid_out(
    layout: CsvLayout, rows: Iterator[tuple[str, int, list[str]]]
) -> Iterator[tuple[tuple[str, int], str]]:
    """Rows laid out to the export's headers (as they are when their partition's header is the
    export's), keyed for :meth:`CsvLayout.part_of`."""
    line = _Line()
    plans: dict[tuple[int, str], _Relayout | None] = {}
    for n, (name, index, row) in enumerate(rows):
        if (index, name) not in plans:
            header, delimiter = layout.local[(index, name)], layout.local_delimiters[index]
            same = header == layout.headers[name] and delimiter == layout.delimiter
            plans[(index, name)] = None if same else _Relayout(header, layout, name, delimiter)
        relayout = plans[(index, name)]
        text = line(row if relayout is None else relayout(row))
        yield (name, zlib.crc32(text.encode()) if layout.repeats(name) else n), text


def _once(layout: CsvLayout, parts: Iterator[tuple[tuple[str, int], str]]) -> Iterator[str]:
    """A part's rows, each row of a file whose rows may repeat once (a repeated row lands in the
    same part: its key is its hash)."""
    seen: set[str] = set()
    for (name, _), text in parts:
        if layout.repeats(name):
            if text in seen:
                continue
            seen.add(text)
        yield text


def write_csv(items: RDD[GraphItem], path: str) -> CsvLayout:
    """Write the graph's import CSVs to the directory ``path``; returns where each file is."""
    from pyspark import StorageLevel

    sc = items.context
    from paperkg.spark.gather import gathered

    found = gathered(sc)
    rows = items.mapPartitionsWithIndex(partial(sink_rows, found)).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        rows.count()  # the sinks run (once), and what they wrote is in ``found``
        layout = CsvLayout.merged(found.value)
        line = _Line()
        headers = [((name, -1), line(header)) for name, header in layout.headers.items()]
        parts = sc.parallelize(headers, 1).union(rows.mapPartitions(partial(laid_out, layout)))
        placed = parts.repartitionAndSortWithinPartitions(
            layout.number_of_parts,
            layout.part_of,
            keyfunc=lambda key: key[1] >= 0,  # the header first
        )
        placed.mapPartitions(partial(_once, layout)).saveAsTextFile(path)
    finally:
        rows.unpersist()
    return layout


def import_argv(
    layout: CsvLayout, directory: str, database: str = "neo4j", admin: str = "neo4j-admin"
) -> list[str]:
    """The ``neo4j-admin database import full`` argv for the parts in ``directory``."""
    argv = [admin, "database", "import", "full"]
    for name, run in layout.parts.items():
        flag = "--nodes" if name.startswith("nodes_") else "--relationships"
        argv.append(f"{flag}=" + ",".join(f"{directory}/part-{i:05d}" for i in run))
    argv += [
        f"--array-delimiter={delimiter_flag(layout.delimiter)}",
        "--multiline-fields=true",
        "--overwrite-destination=true",
        database,
    ]
    return argv

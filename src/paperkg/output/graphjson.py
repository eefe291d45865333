"""graph.json: a graph's node-link JSON written in chunks, knowing where each record lies, and
spliced in place of a rewrite when an update changes a few records
(decisions/0004-incremental-update.md). :meth:`paperkg.graph.KnowledgeGraph.load` reads it back.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from paperkg.collector import gc_paused
from paperkg.files import atomic_file, remove_quietly
from paperkg.graph import EdgeKey, KnowledgeGraph, unspooled

Span = tuple[int, int]  # a record's byte offsets in a file: start and end


@dataclass
class Layout:
    """Where the records of a saved graph.json lie, so it can be spliced instead of rewritten.

    Byte spans ``(start, end)`` of every node record and of every edge record that does not start
    at a paper (a paper's edges never change once written); per list ("nodes", "edges") the offset
    of its closing bracket and its number of records.
    """

    nodes: dict[str, Span] = field(default_factory=dict)
    edges: dict[EdgeKey, Span] = field(default_factory=dict)
    ends: dict[str, Span] = field(default_factory=dict)


_NEXT_RECORD = re.compile(rb'\}, \{"')


def _encode_records(records: list[dict[str, Any]]) -> tuple[bytes, list[int]]:
    """``records`` as JSON objects joined by ", " (UTF-8), and the offset where each one starts.

    Between two records the C encoder writes '}, {"'. A quote inside a string is always escaped,
    so that sequence marks a record boundary, unless a record holds a list of objects itself: then
    the count is off and the records are encoded one by one.
    """
    body = json.dumps(records, ensure_ascii=False).encode()[1:-1]
    starts = [0, *(m.start() + 3 for m in _NEXT_RECORD.finditer(body))]
    if len(starts) == len(records):
        return body, starts
    parts = [json.dumps(r, ensure_ascii=False).encode() for r in records]
    starts, pos = [], 0
    for part in parts:
        starts.append(pos)
        pos += len(part) + 2
    return b", ".join(parts), starts


def _node_record(nid: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    props = unspooled(attrs)
    props["id"] = nid
    return props


def _edge_record(key: EdgeKey, attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {**attrs, "source": key[0], "target": key[1], "key": key[2]}


def json_pieces(graph: KnowledgeGraph, chunk: int = 5000, layout: Layout | None = None) -> Iterator[bytes]:
    """The node-link JSON of :meth:`KnowledgeGraph.to_json` as UTF-8, encoded in chunks by the C encoder
    (``json.dump`` to a file would use the slow pure-Python one) without building the whole
    text at once. With ``layout``, records where each node (and each edge that does not start
    at a paper) lies in the file, for :func:`splice_json`."""
    head = {"directed": True, "multigraph": True, "graph": {"format": "paperkg", "version": 1}}
    pos = 0

    def out(data: bytes) -> bytes:
        nonlocal pos
        pos += len(data)
        return data

    yield out(json.dumps(head, ensure_ascii=False)[:-1].encode())
    nodes = ((nid, _node_record(nid, attrs)) for nid, attrs in graph.node_items())
    edges = ((key, _edge_record(key, attrs)) for key, attrs in graph.edge_items())
    for name, items in (("nodes", nodes), ("edges", edges)):
        yield out(f', "{name}": ['.encode())
        count = 0
        while batch := list(islice(items, chunk)):
            body, starts = _encode_records([r for _, r in batch])
            if count:
                yield out(b", ")
            if layout is not None:
                ends = [s - 2 for s in starts[1:]] + [len(body)]
                spans = layout.nodes if name == "nodes" else layout.edges
                for (key, _), a, b in zip(batch, starts, ends, strict=True):
                    if name == "nodes" or graph.node_attrs(key[0])["kind"] != "paper":
                        spans[key] = (pos + a, pos + b)
            yield out(body)
            count += len(batch)
        if layout is not None:
            layout.ends[name] = (pos, count)
        yield out(b"]")
    yield out(b"}")


def save_graph(graph: KnowledgeGraph, path: str | Path) -> Layout:
    """Write ``graph`` as node-link JSON atomically (temporary file, then rename); returns where its
    records lie."""
    layout = Layout()
    with atomic_file(Path(path)) as f, gc_paused():
        for piece in json_pieces(graph, layout=layout):
            f.write(piece)
    return layout


def read_record(path: Path, span: Span) -> dict[str, Any] | None:
    """The JSON object at ``span`` of the file at ``path``, or None when it is not one."""
    with open(path, "rb") as f:
        data = os.pread(f.fileno(), span[1] - span[0], span[0])
    try:
        rec = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return rec if isinstance(rec, dict) else None


# -- splicing a saved graph.json ----------------------------------------------------------------


def _copy_range(src: int, dst: int, start: int, length: int) -> None:
    """Copy ``length`` bytes at ``start`` of file descriptor ``src`` to the position of ``dst``."""
    end = start + length
    try:
        while start < end:
            n = os.copy_file_range(src, dst, end - start, start)
            if n == 0:
                raise OSError(0, "graph.json is shorter than its layout says")
            start += n
    except (AttributeError, OSError) as exc:  # no copy_file_range here, or not across these files
        if isinstance(exc, OSError) and exc.errno == 0:
            raise
        while start < end:
            data = os.pread(src, min(end - start, 1 << 24), start)
            if not data:
                raise OSError(0, "graph.json is shorter than its layout says") from None
            os.write(dst, data)
            start += len(data)


@dataclass
class Splice:
    """A file rewritten with some byte ranges replaced (:func:`splice_file`), in a temporary file
    beside it until :meth:`commit`; how every other byte moved; for :func:`splice_json`, the spans
    of the records it wrote and the new list ends."""

    path: Path
    tmp: Path
    points: list[int]  # offsets in the old file where an edit starts (sorted)
    shifts: list[int]  # shifts[i]: how far a byte before the i-th edit (and after the one before) moved
    nodes: dict[str, Span] = field(default_factory=dict)
    edges: dict[EdgeKey, Span] = field(default_factory=dict)
    ends: dict[str, Span] = field(default_factory=dict)

    def move(self, at: int) -> int:
        """Where the byte at ``at`` of the old file (not inside an edit) is now."""
        return at + self.shifts[bisect_left(self.points, at)]

    def move_sorted(self, offsets: array[int]) -> array[int]:
        """:meth:`move` of every offset of an ascending array (the starts of records)."""
        out: array[int] = array("q")
        lo = 0
        for point, shift in zip([*self.points, None], self.shifts, strict=True):
            hi = len(offsets) if point is None else bisect_left(offsets, point, lo)
            out.extend(offsets[lo:hi] if shift == 0 else (o + shift for o in offsets[lo:hi]))
            lo = hi
        return out

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise OSError(exc.errno, exc.strerror, str(self.path)) from None

    def abort(self) -> None:
        remove_quietly(self.tmp)


def splice_file(path: str | Path, edits: list[tuple[int, int, bytes]]) -> Splice:
    """The file at ``path`` with each byte range ``[start, end)`` of ``edits`` (sorted, apart)
    replaced by its bytes, written beside it; the rest is copied by the kernel where it can."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(path, "rb") as old, open(tmp, "wb", buffering=0) as out:
            pos = 0
            for start, end, data in edits:
                _copy_range(old.fileno(), out.fileno(), pos, start - pos)
                out.write(data)
                pos = end
            _copy_range(old.fileno(), out.fileno(), pos, os.fstat(old.fileno()).st_size - pos)
    except BaseException as exc:
        remove_quietly(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    shifts = [0]
    for start, end, data in edits:
        shifts.append(shifts[-1] + len(data) - (end - start))
    return Splice(path, tmp, [e[0] for e in edits], shifts)


def splice_json(
    path: str | Path,
    spans: tuple[Mapping[str, Span], Mapping[EdgeKey, Span]],
    ends: Mapping[str, Span],
    nodes: Mapping[str, Mapping[str, Any]],
    edges: Mapping[EdgeKey, Mapping[str, Any]],
) -> Splice:
    """:func:`splice_file` of a saved graph.json with ``nodes`` and ``edges`` (attributes by id /
    key): a record with a span in ``spans`` is replaced, any other appended to its list, which
    closes at ``ends[list name][0]`` and holds ``ends[list name][1]`` records."""
    # (start, end, new bytes, list name, [(key, start and end in the new bytes)])
    edits: list[tuple[int, int, bytes, str, list[tuple[Any, int, int]]]] = []
    for name, items, known, record in (
        ("nodes", nodes, spans[0], _node_record),
        ("edges", edges, spans[1], _edge_record),
    ):
        appended = []
        for key, attrs in items.items():
            span = known.get(key)  # type: ignore[call-overload]
            if span is None:
                appended.append((key, record(key, attrs)))
            else:
                data = json.dumps(record(key, attrs), ensure_ascii=False).encode()
                edits.append((span[0], span[1], data, name, [(key, 0, len(data))]))
        if appended:
            end, count = ends[name]
            body, starts = _encode_records([r for _, r in appended])
            lead = 2 if count else 0
            stops = [x - 2 for x in starts[1:]] + [len(body)]
            keys = [(k, lead + a, lead + b) for (k, _), a, b in zip(appended, starts, stops, strict=True)]
            edits.append((end, end, b", " * (lead // 2) + body, name, keys))
    edits.sort(key=lambda e: e[0])
    done = splice_file(path, [e[:3] for e in edits])
    done.ends = {name: (done.move(end), count) for name, (end, count) in ends.items()}
    for i, (start, _, data, name, keys) in enumerate(edits):
        at = start + done.shifts[i]
        written: dict[Any, Span] = done.nodes if name == "nodes" else done.edges  # type: ignore[assignment]
        for key, a, b in keys:
            written[key] = (at + a, at + b)
        if start == ends[name][0]:  # the run appended to the list
            done.ends[name] = (at + len(data), ends[name][1] + len(keys))
    return done

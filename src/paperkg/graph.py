"""The knowledge graph: the only module that touches networkx.

A :class:`KnowledgeGraph` wraps a ``networkx.MultiDiGraph``. Node attributes are
``kind`` plus the node's properties; edges are keyed by their type (one edge of
a type between two nodes) and carry ``type`` plus their properties.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx

from paperkg.collector import gc_paused
from paperkg.errors import PaperkgError
from paperkg.files import atomic_file, remove_quietly
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.spill import Spooled

LIST_PROPS = (
    "aliases",
    "authors",
    "categories",
    "dates",
    "sources",
    "affiliations",
    "keywords",
    "ids",
    "links",
)
# Properties whose text may be held in a spill file (a :class:`~paperkg.spill.Spooled` handle).
SPOOLED_PROPS = ("abstract",)


class GraphFormatError(PaperkgError, ValueError):
    """graph.json is not a paperkg graph."""


EdgeKey = tuple[str, str, str]
Span = tuple[int, int]


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


def _node_props(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A node's attributes with any spooled text read back."""
    props = dict(attrs)
    for k in SPOOLED_PROPS:
        v = props.get(k)
        if type(v) is Spooled:
            props[k] = str(v)
    return props


def _node_record(nid: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    props = _node_props(attrs)
    props["id"] = nid
    return props


def _edge_record(key: EdgeKey, attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {**attrs, "source": key[0], "target": key[1], "key": key[2]}


class KnowledgeGraph:
    def __init__(self, g: nx.MultiDiGraph | None = None) -> None:
        self.g: nx.MultiDiGraph = g if g is not None else nx.MultiDiGraph()

    # -- building ---------------------------------------------------------
    def add_node(self, node: Node) -> None:
        """Add a node, or merge its properties into the existing one (lists are unioned)."""
        if node.id not in self.g:
            attrs: dict[str, Any] = {"kind": node.kind.value}
            for k, v in node.props.items():
                attrs[k] = list(v) if k in LIST_PROPS else v
            self.g.add_node(node.id, **attrs)
            return
        attrs = self.g.nodes[node.id]
        for k, v in node.props.items():
            if k in LIST_PROPS:
                cur = attrs.setdefault(k, [])
                cur.extend(x for x in v if x not in cur)
            elif attrs.get(k) in (None, "") and v not in (None, ""):
                attrs[k] = v

    def set_node(self, node: Node) -> None:
        """Add a node, or replace the existing one's properties with ``node``'s."""
        if node.id in self.g:
            attrs = self.g.nodes[node.id]
            attrs.clear()
            attrs["kind"] = node.kind.value
            attrs.update((k, list(v) if k in LIST_PROPS else v) for k, v in node.props.items())
            return
        self.add_node(node)

    def add_edge(self, edge: Edge) -> bool:
        """Add an edge unless one of the same type joins the same nodes; returns True if added.

        When the edge exists, the evidence with the higher confidence is kept.
        """
        if edge.source not in self.g or edge.target not in self.g:
            raise KeyError(f"edge {edge.type.value} joins unknown node(s): {edge.source} -> {edge.target}")
        key = edge.type.value
        if self.g.has_edge(edge.source, edge.target, key=key):
            cur = self.g.edges[edge.source, edge.target, key]
            if float(edge.props.get("confidence", 0)) > float(cur.get("confidence", 0)):
                cur.update(edge.props)
            return False
        self.g.add_edge(edge.source, edge.target, key=key, type=key, **dict(edge.props))
        return True

    # -- reading ----------------------------------------------------------
    def __contains__(self, node_id: str) -> bool:
        return node_id in self.g

    def node(self, node_id: str) -> Node:
        attrs = _node_props(self.g.nodes[node_id])
        kind = NodeKind(attrs.pop("kind"))
        return Node(node_id, kind, attrs)

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        for nid, attrs in self.g.nodes(data=True):
            if kind is None or attrs["kind"] == kind.value:
                props = _node_props(attrs)
                del props["kind"]
                yield Node(nid, NodeKind(attrs["kind"]), props)

    def edges(self, type: EdgeType | None = None) -> Iterator[Edge]:
        for s, t, attrs in self.g.edges(data=True):
            if type is None or attrs["type"] == type.value:
                props = {k: v for k, v in attrs.items() if k != "type"}
                yield Edge(s, t, EdgeType(attrs["type"]), props)

    def number_of_nodes(self) -> int:
        return self.g.number_of_nodes()

    def number_of_edges(self) -> int:
        return self.g.number_of_edges()

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """Nodes per kind and edges per type."""
        nk = Counter(a["kind"] for _, a in self.g.nodes(data=True))
        et = Counter(a["type"] for _, _, a in self.g.edges(data=True))
        return nk, et

    def degree(self, node_id: str) -> int:
        return int(self.g.degree(node_id))

    def neighbourhood(self, node_ids: Iterable[str], depth: int) -> set[str]:
        """Node ids within ``depth`` hops (either direction) of any of ``node_ids``."""
        und = self.g.to_undirected(as_view=True)
        seen: set[str] = set()
        for nid in node_ids:
            if nid in self.g:
                seen.update(nx.single_source_shortest_path_length(und, nid, cutoff=depth))
        return seen

    def to_networkx(self) -> nx.MultiDiGraph:
        """A copy of the graph as a networkx ``MultiDiGraph``: nodes by id with their properties
        and ``kind``; edges keyed by type with their evidence (texts kept on disk read back)."""
        g = nx.MultiDiGraph()
        g.add_nodes_from((n, _node_props(a)) for n, a in self.g.nodes(data=True))
        g.add_edges_from((u, v, k, dict(a)) for u, v, k, a in self.g.edges(keys=True, data=True))
        return g

    def subgraph(self, node_ids: Iterable[str]) -> KnowledgeGraph:
        return KnowledgeGraph(nx.MultiDiGraph(self.g.subgraph(node_ids)))

    # -- node-link JSON ---------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data = nx.node_link_data(self.g, edges="edges")
        data["nodes"] = [_node_props(n) for n in data["nodes"]]
        data["graph"] = {"format": "paperkg", "version": 1}
        return data

    def _json_pieces(self, chunk: int = 5000, layout: Layout | None = None) -> Iterator[bytes]:
        """The node-link JSON of :meth:`to_json` as UTF-8, encoded in chunks by the C encoder
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
        g = self.g
        nodes = ((nid, _node_record(nid, attrs)) for nid, attrs in g.nodes(data=True))
        edges = (((s, t, k), _edge_record((s, t, k), a)) for s, t, k, a in g.edges(keys=True, data=True))
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
                        if name == "nodes" or g.nodes[key[0]]["kind"] != "paper":
                            spans[key] = (pos + a, pos + b)
                yield out(body)
                count += len(batch)
            if layout is not None:
                layout.ends[name] = (pos, count)
            yield out(b"]")
        yield out(b"}")

    def save(self, path: str | Path) -> Layout:
        """Write node-link JSON atomically (temporary file, then rename); returns where its records lie."""
        layout = Layout()
        with atomic_file(Path(path)) as f, gc_paused():
            for piece in self._json_pieces(layout=layout):
                f.write(piece)
        return layout

    @classmethod
    def from_json(cls, data: Any) -> KnowledgeGraph:
        if not isinstance(data, dict) or "nodes" not in data or "edges" not in data:
            raise GraphFormatError("not a node-link graph (expected 'nodes' and 'edges')")
        # The node-link layout read directly (networkx's node_link_graph copies every record twice).
        kinds = {k.value for k in NodeKind}
        types = {t.value for t in EdgeType}
        g = nx.MultiDiGraph()
        nodes = []
        for rec in data["nodes"]:
            if not isinstance(rec, dict) or "id" not in rec:
                raise GraphFormatError("malformed node-link graph: a node without 'id'")
            attrs = dict(rec)
            nid = attrs.pop("id")
            if attrs.get("kind") not in kinds:
                raise GraphFormatError(f"node {nid!r} has no valid 'kind'")
            nodes.append((nid, attrs))
        g.add_nodes_from(nodes)
        edges = []
        for rec in data["edges"]:
            if not isinstance(rec, dict) or "source" not in rec or "target" not in rec:
                raise GraphFormatError("malformed node-link graph: an edge without 'source' or 'target'")
            attrs = dict(rec)
            s, t = attrs.pop("source"), attrs.pop("target")
            key = attrs.pop("key", attrs.get("type"))
            if attrs.get("type") not in types:
                raise GraphFormatError(f"edge {s!r} -> {t!r} has no valid 'type'")
            if s not in g or t not in g:
                raise GraphFormatError(f"edge {s!r} -> {t!r} joins a node that is not in the graph")
            edges.append((s, t, key, attrs))
        g.add_edges_from(edges)
        return cls(g)

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeGraph:
        try:
            with open(path, encoding="utf-8") as f, gc_paused():
                data = json.load(f)
        except json.JSONDecodeError as exc:
            raise GraphFormatError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
        except UnicodeDecodeError as exc:
            raise GraphFormatError(f"{path}: not UTF-8 text") from exc
        try:
            with gc_paused():
                return cls.from_json(data)
        except GraphFormatError as exc:
            raise GraphFormatError(f"{path}: {exc}") from exc


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

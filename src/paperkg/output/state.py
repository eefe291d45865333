"""``.paperkg-state``: what an update needs to know of a build directory's graph without reading
graph.json (decisions/0004-incremental-update.md).

It holds every node but a paper's (papers with their kind and title only), the edges that do not
start at a paper, the number of those that do, where each node record lies in graph.json and its
block in graph.ttl, and the size and mtime of graph.json and graph.ttl when it was written; it is
used only while both still match.
"""

from __future__ import annotations

import marshal
import os
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.collector import gc_paused
from paperkg.files import atomic_file, remove_quietly
from paperkg.graph import EdgeKey, KnowledgeGraph
from paperkg.ids import paper_id_of
from paperkg.keys import title_key
from paperkg.model import NodeKind
from paperkg.output.graphjson import Layout, Span, Splice
from paperkg.resolve import entity_key
from paperkg.sinks.base import NodeSpans

if TYPE_CHECKING:
    from paperkg.output.partial import PartialGraph
    from paperkg.output.turtle import TtlChanges, TtlSpans

# The files of a build directory.
STATE = ".paperkg-state"
GRAPH, TTL, EXTRACTION = "graph.json", "graph.ttl", "extraction.jsonl"

STATE_FORMAT = ("paperkg-state", 4)
Stamp = tuple[int, int]
KINDS = [k.value for k in NodeKind]  # a node's kind in the state: its index here
ENTITY_KINDS = {k.value for k in NodeKind if k.is_entity}


def stamp(path: Path) -> Stamp | None:
    """The size and mtime of the file at ``path`` (None when there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


@dataclass
class Spans:
    """Where records lie in a file, by row: start offsets (ascending) and lengths."""

    starts: array[int] = field(default_factory=lambda: array("q"))
    lengths: array[int] = field(default_factory=lambda: array("q"))

    def get(self, row: int) -> Span:
        return (self.starts[row], self.starts[row] + self.lengths[row])

    def set(self, row: int, span: Span) -> None:
        if row == len(self.starts):
            self.starts.append(0)
            self.lengths.append(0)
        self.starts[row], self.lengths[row] = span[0], span[1] - span[0]

    def moved(self, done: Splice) -> Spans:
        return Spans(done.move_sorted(self.starts), self.lengths)

    def dump(self) -> tuple[bytes, bytes]:
        return (self.starts.tobytes(), self.lengths.tobytes())

    @classmethod
    def undump(cls, data: tuple[bytes, bytes]) -> Spans:
        out = cls()
        out.starts.frombytes(data[0])
        out.lengths.frombytes(data[1])
        return out


@dataclass
class State:
    """What an update needs to know of the graph in graph.json without reading it.

    Node rows in file order (id, kind, where its record lies in graph.json and its block in
    graph.ttl), the same for the edges that do not start at a paper, where the two lists of
    graph.json close, the papers by title key and by their other identifiers (what
    :meth:`PaperIndex.seed` takes), the rows of the entities by resolver key, and the counts.
    """

    ids: list[str] = field(default_factory=list)
    kinds: bytearray = field(default_factory=bytearray)
    nodes_json: Spans = field(default_factory=Spans)
    edge_keys: list[EdgeKey] = field(default_factory=list)
    edges_json: Spans = field(default_factory=Spans)
    ends: dict[str, Span] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)
    entity_keys: dict[str, list[int]] = field(default_factory=dict)
    node_counts: Counter[str] = field(default_factory=Counter)
    edge_counts: Counter[str] = field(default_factory=Counter)
    ttl_iri: str | None = None  # the base IRI graph.ttl was written with, None when it is not current
    ttl_blank: int = 0  # bytes of graph.ttl blanked by updates
    nodes_ttl: Spans = field(default_factory=Spans)
    edges_ttl: Spans = field(default_factory=Spans)
    paper_keys: dict[str, list[str]] = field(default_factory=dict)  # paper id -> DOI and other ids

    def __post_init__(self) -> None:
        self.row = {nid: i for i, nid in enumerate(self.ids)}
        self.edge_row = {key: i for i, key in enumerate(self.edge_keys)}

    @classmethod
    def of(cls, graph: KnowledgeGraph, layout: Layout) -> State:
        """The state of ``graph`` as just saved with ``layout`` (graph.ttl: see :meth:`take_ttl`)."""
        st = cls(ends=dict(layout.ends))
        for nid, attrs in graph.node_items():
            st._add_node(nid, attrs, layout.nodes[nid], None)
        for key, span in layout.edges.items():
            st._add_edge(key, span, None)
        st.node_counts, st.edge_counts = graph.counts()
        return st

    def _add_node(self, nid: str, attrs: Mapping[str, Any], span: Span, ttl: Span | None) -> None:
        row = len(self.ids)
        self.row[nid] = row
        self.ids.append(nid)
        self.kinds.append(KINDS.index(attrs["kind"]))
        self.nodes_json.set(row, span)
        if ttl is not None:
            self.nodes_ttl.set(row, ttl)
        if attrs["kind"] == "paper":
            self._note_paper(nid, attrs)
        elif attrs["kind"] in ENTITY_KINDS:
            self.entity_keys.setdefault(entity_key(str(attrs.get("name") or "")), []).append(row)

    def _note_paper(self, nid: str, attrs: Mapping[str, Any]) -> None:
        """Know a paper by its title key and its identity keys beyond its id (DOI, other ids)."""
        pid = paper_id_of(nid)
        if attrs.get("title"):
            self.by_title.setdefault(title_key(str(attrs["title"])), pid)
        keys = [f"doi:{attrs['doi']}"] if attrs.get("doi") else []
        keys.extend(str(i) for i in attrs.get("ids") or ())
        if keys:
            self.paper_keys[pid] = keys

    def _add_edge(self, key: EdgeKey, span: Span, ttl: Span | None) -> None:
        row = len(self.edge_keys)
        self.edge_row[key] = row
        self.edge_keys.append(key)
        self.edges_json.set(row, span)
        if ttl is not None:
            self.edges_ttl.set(row, ttl)

    def spliced(self, graph: PartialGraph, json_done: Splice, ttl: TtlChanges | None) -> None:
        """Take in the changes of ``graph`` as written: graph.json spliced, graph.ttl (``ttl``)
        spliced or appended to."""
        self.nodes_json, self.edges_json = self.nodes_json.moved(json_done), self.edges_json.moved(json_done)
        self.ends = dict(json_done.ends)
        for nid, span in json_done.nodes.items():
            row = self.row.get(nid)
            attrs = graph.node_attrs(nid)
            if row is None:
                self._add_node(nid, attrs, span, None)
            else:
                self.nodes_json.set(row, span)
                if attrs["kind"] == "paper":
                    self._note_paper(nid, attrs)
        for key, span in json_done.edges.items():
            row = self.edge_row.get(key)
            if row is not None:
                self.edges_json.set(row, span)
            elif graph.node_attrs(key[0])["kind"] != "paper":  # a paper's edges never change: no row
                self._add_edge(key, span, None)
        if ttl is not None:  # blocks are blanked or appended in place: none moves
            for nid, span in ttl.nodes.items():
                self.nodes_ttl.set(self.row[nid], span)
            for key, span in ttl.edges.items():
                self.edges_ttl.set(self.edge_row[key], span)
        self.node_counts.update(graph.node_attrs(n)["kind"] for n in graph.new_nodes)
        self.edge_counts.update(k[2] for k in graph.new_edges)

    def take_ttl(self, base_iri: str, spans: TtlSpans | tuple[NodeSpans, dict[EdgeKey, Span]]) -> None:
        """graph.ttl was written in full, with ``base_iri``; its blocks lie at ``spans``."""
        nodes, edges = spans
        self.ttl_iri, self.nodes_ttl, self.edges_ttl, self.ttl_blank = base_iri, Spans(), Spans(), 0
        if isinstance(nodes, NodeSpans) and nodes.ids == self.ids:  # written in the order of the rows
            self.nodes_ttl = Spans(nodes.starts, nodes.lengths)
        else:
            by_id = nodes.as_dict() if isinstance(nodes, NodeSpans) else nodes
            for row, nid in enumerate(self.ids):
                self.nodes_ttl.set(row, by_id[nid])
        for row, key in enumerate(self.edge_keys):
            self.edges_ttl.set(row, edges[key])

    def save(self, out: Path) -> None:
        """Write the state of ``out`` (after graph.json and graph.ttl); without it, nothing breaks."""
        ttl = stamp(out / TTL) if self.ttl_iri is not None else None
        data = {
            "format": STATE_FORMAT,
            "graph": stamp(out / GRAPH),
            "ttl": (ttl, self.ttl_iri, self.nodes_ttl.dump(), self.edges_ttl.dump(), self.ttl_blank)
            if ttl
            else None,
            "nodes": (self.ids, bytes(self.kinds), self.nodes_json.dump()),
            "edges": (self.edge_keys, self.edges_json.dump()),
            "ends": self.ends,
            "by_title": self.by_title,
            "paper_keys": self.paper_keys,
            "entity_keys": self.entity_keys,
            "counts": (dict(self.node_counts), dict(self.edge_counts)),
        }
        try:
            blob = marshal.dumps(data)
            with atomic_file(out / STATE) as f:
                f.write(blob)
        except (ValueError, OSError):  # a value marshal cannot hold, or no room: no state, no harm
            remove_quietly(out / STATE)

    @classmethod
    def load(cls, out: Path) -> State | None:
        """The state of ``out`` when it still describes graph.json there, else None."""
        try:
            with open(out / STATE, "rb") as f:
                blob = f.read()  # marshal.load(f) reads the file in small pieces: 5x slower
            with gc_paused():
                return cls._of_data(out, marshal.loads(blob))
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
            return None

    @classmethod
    def _of_data(cls, out: Path, data: Any) -> State | None:
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            return None
        if data["graph"] is None or data["graph"] != stamp(out / GRAPH):
            return None
        ids, kinds, nodes_json = data["nodes"]
        edge_keys, edges_json = data["edges"]
        st = cls(
            ids, bytearray(kinds), Spans.undump(nodes_json), edge_keys, Spans.undump(edges_json),
            data["ends"], data["by_title"], data["entity_keys"],
            Counter(data["counts"][0]), Counter(data["counts"][1]),
        )  # fmt: skip
        st.paper_keys = data["paper_keys"]
        ttl = data["ttl"]
        if ttl is not None and ttl[0] == stamp(out / TTL):
            st.ttl_iri, st.nodes_ttl, st.edges_ttl = ttl[1], Spans.undump(ttl[2]), Spans.undump(ttl[3])
            st.ttl_blank = ttl[4]
        return st

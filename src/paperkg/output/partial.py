"""The graph of a build directory as its state describes it (:class:`PartialGraph`): an update
reads from graph.json only the records it touches, and writes only what it changed."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.graph import EdgeKey, GraphFormatError, KnowledgeGraph, copy_attrs
from paperkg.ids import paper_id_of
from paperkg.model import Edge, Node
from paperkg.output.graphjson import Span, read_record
from paperkg.output.state import GRAPH, KINDS, STATE, State
from paperkg.resolve import Resolver

if TYPE_CHECKING:
    from paperkg.ingest import PaperIndex


class PartialGraph(KnowledgeGraph):
    """The graph of graph.json as a :class:`State` describes it: a node or edge is read from the
    file when the update first touches it. Records what is added and, before its first change,
    what is changed. Only the building methods (and counts) see the whole graph."""

    def __init__(self, state: State, graph_file: Path) -> None:
        super().__init__()
        self.state = state
        self.graph_file = graph_file
        self.new_nodes: dict[str, None] = {}
        self.new_edges: dict[EdgeKey, None] = {}
        self.old_nodes: dict[str, dict[str, Any]] = {}
        self.old_edges: dict[EdgeKey, dict[str, Any]] = {}
        self.unsafe = False  # an edge from an existing (revised) paper: it may exist already, unseen here

    def _record(self, span: Span, what: str) -> dict[str, Any]:
        rec = read_record(self.graph_file, span)
        if rec is None:
            raise GraphFormatError(f"{self.graph_file}: the record of {what} is not where {STATE} says")
        return rec

    def _read_node(self, nid: str) -> bool:
        """Make sure an existing node is held; False when there is no such node."""
        if super().__contains__(nid):
            return True
        row = self.state.row.get(nid)
        if row is None:
            return False
        rec = self._record(self.state.nodes_json.get(row), nid)
        if rec.pop("id", None) != nid:
            raise GraphFormatError(f"{self.graph_file}: the record of {nid} is not where {STATE} says")
        self.set_node_attrs(nid, rec)
        return True

    def _read_edge(self, key: EdgeKey) -> None:
        row = self.state.edge_row.get(key)
        if row is None or self.has_edge(key):
            return
        rec = self._record(self.state.edges_json.get(row), " -> ".join(key))
        if (rec.pop("source", None), rec.pop("target", None), rec.pop("key", None)) != key:
            raise GraphFormatError(f"{self.graph_file}: the record of {key} is not where {STATE} says")
        self.set_edge_attrs(key, rec)

    def __contains__(self, node_id: str) -> bool:
        return super().__contains__(node_id) or node_id in self.state.row

    def node(self, node_id: str) -> Node:
        self._read_node(node_id)
        return super().node(node_id)

    def add_node(self, node: Node) -> None:
        nid = node.id
        if not self._read_node(nid):
            super().add_node(node)
            self.new_nodes[nid] = None
            return
        if nid in self.new_nodes or nid in self.old_nodes:
            super().add_node(node)
            return
        attrs = self.node_attrs(nid)
        before = copy_attrs(attrs)
        super().add_node(node)
        if attrs != before:
            self.old_nodes[nid] = before

    def set_node(self, node: Node) -> None:
        nid = node.id
        if not self._read_node(nid):
            self.add_node(node)
            return
        fresh = nid not in self.new_nodes and nid not in self.old_nodes
        before = copy_attrs(self.node_attrs(nid)) if fresh else None
        super().set_node(node)
        if before is not None and self.node_attrs(nid) != before:
            self.old_nodes[nid] = before

    def add_edge(self, edge: Edge) -> bool:
        self._read_node(edge.source)
        self._read_node(edge.target)
        key = (edge.source, edge.target, edge.type.value)
        self._read_edge(key)
        fresh = key not in self.new_edges and key not in self.old_edges
        before = dict(self.edge_attrs(key)) if fresh and self.has_edge(key) else None
        added = super().add_edge(edge)
        if added:
            self.new_edges[key] = None
            if edge.source not in self.new_nodes and self.node_attrs(edge.source)["kind"] == "paper":
                self.unsafe = True
        elif before is not None and self.edge_attrs(key) != before:
            self.old_edges[key] = before
        return added

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        nodes = self.state.node_counts + Counter(self.node_attrs(n)["kind"] for n in self.new_nodes)
        edges = self.state.edge_counts + Counter(k[2] for k in self.new_edges)
        return nodes, edges

    def number_of_nodes(self) -> int:
        return len(self.state.ids) + len(self.new_nodes)

    def number_of_edges(self) -> int:
        return sum(self.state.edge_counts.values()) + len(self.new_edges)

    def seed(self, index: PaperIndex, resolver: Resolver) -> None:
        """What ``index.seed(graph)`` and ``resolver.seed(graph)`` do, from the state: the papers at
        once, an entity key when the resolver first asks for it."""
        paper = KINDS.index("paper")
        titles: dict[str, str] = {}
        for key, pid in self.state.by_title.items():
            titles.setdefault(pid, key)
        for nid, kind in zip(self.state.ids, self.state.kinds, strict=True):
            if kind == paper:
                pid = paper_id_of(nid)
                index.seed(pid, titles.get(pid, ""), self.state.paper_keys.get(pid, ()))
        resolver.info = _SeededInfo(resolver, self)

    def changed(self) -> tuple[dict[str, dict[str, Any]], dict[EdgeKey, dict[str, Any]]]:
        """The records to write: nodes and edges changed or added, by id / key, in order."""
        nodes = {n: self.node_attrs(n) for n in (*self.old_nodes, *self.new_nodes)}
        edges = {k: self.edge_attrs(k) for k in (*self.old_edges, *self.new_edges)}
        return nodes, edges


class _SeededInfo(defaultdict):  # type: ignore[type-arg]
    """``Resolver.info`` that seeds a key with the existing graph's entities of that key (as
    ``Resolver.seed`` does) the first time the resolver asks for it."""

    def __init__(self, resolver: Resolver, graph: PartialGraph) -> None:
        super().__init__(resolver.info.default_factory)
        self.resolver = resolver
        self.graph = graph
        self.pending = dict(graph.state.entity_keys)
        self.loading = False

    def _load(self, key: str) -> None:
        rows = self.pending.pop(key, None)
        if not rows or self.loading:
            return
        part = KnowledgeGraph()
        for row in rows:
            part.add_node(self.graph.node(self.graph.state.ids[row]))
        self.loading = True
        try:
            self.resolver.seed(part)
        finally:
            self.loading = False

    def __missing__(self, key: str) -> Any:
        self._load(key)
        return self[key] if dict.__contains__(self, key) else super().__missing__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            self._load(key)
        return super().get(key, default)


def load_state(out: Path) -> PartialGraph | None:
    """The graph of ``out`` for an update, as its state describes it, or None (no current state)."""
    state = State.load(out)
    return PartialGraph(state, out / GRAPH) if state is not None else None

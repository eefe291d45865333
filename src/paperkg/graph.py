"""The knowledge graph: the only module that touches networkx.

A :class:`KnowledgeGraph` wraps a ``networkx.MultiDiGraph``. Node attributes are
``kind`` plus the node's properties; edges are keyed by their type (one edge of
a type between two nodes) and carry ``type`` plus their properties.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from paperkg.collector import gc_paused
from paperkg.errors import PaperkgError
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


EdgeKey = tuple[str, str, str]  # (source id, target id, edge type): one edge of a type between two nodes


def unspooled(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a node's stored attributes with any spooled text read back."""
    props = dict(attrs)
    for k in SPOOLED_PROPS:
        v = props.get(k)
        if type(v) is Spooled:
            props[k] = str(v)
    return props


def copy_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a node's stored attributes whose lists are copies too (changing one leaves the other)."""
    return {k: list(v) if k in LIST_PROPS and isinstance(v, list) else v for k, v in attrs.items()}


class KnowledgeGraph:
    """Papers and the entities they name, as typed nodes and edges (see the module docstring)."""

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
        """The node ``node_id`` (its texts kept on disk read back)."""
        attrs = unspooled(self.g.nodes[node_id])
        kind = NodeKind(attrs.pop("kind"))
        return Node(node_id, kind, attrs)

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        """Every node (of ``kind``), in the order they were added."""
        for nid, attrs in self.g.nodes(data=True):
            if kind is None or attrs["kind"] == kind.value:
                props = unspooled(attrs)
                del props["kind"]
                yield Node(nid, NodeKind(attrs["kind"]), props)

    def edges(self, type: EdgeType | None = None) -> Iterator[Edge]:
        """Every edge (of ``type``), in order (by source node, then as added)."""
        for s, t, attrs in self.g.edges(data=True):
            if type is None or attrs["type"] == type.value:
                props = {k: v for k, v in attrs.items() if k != "type"}
                yield Edge(s, t, EdgeType(attrs["type"]), props)

    def number_of_nodes(self) -> int:
        """How many nodes the graph holds."""
        return self.g.number_of_nodes()

    def number_of_edges(self) -> int:
        """How many edges the graph holds."""
        return self.g.number_of_edges()

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """Nodes per kind and edges per type."""
        nk = Counter(a["kind"] for _, a in self.g.nodes(data=True))
        et = Counter(a["type"] for _, _, a in self.g.edges(data=True))
        return nk, et

    def degree(self, node_id: str) -> int:
        """How many edges join ``node_id``, either way."""
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
        g.add_nodes_from((n, unspooled(a)) for n, a in self.g.nodes(data=True))
        g.add_edges_from((u, v, k, dict(a)) for u, v, k, a in self.g.edges(keys=True, data=True))
        return g

    def subgraph(self, node_ids: Iterable[str]) -> KnowledgeGraph:
        """A copy of the nodes ``node_ids`` and the edges between them."""
        return KnowledgeGraph(nx.MultiDiGraph(self.g.subgraph(node_ids)))

    def edge(self, key: EdgeKey) -> Edge:
        """The edge of ``key`` (source, target, type)."""
        attrs = self.g.edges[key]
        return Edge(key[0], key[1], EdgeType(key[2]), {k: v for k, v in attrs.items() if k != "type"})

    def has_edge(self, key: EdgeKey) -> bool:
        """Is there an edge of ``key`` (source, target, type)?"""
        return bool(self.g.has_edge(*key))

    # -- stored attributes, for the files of a build (paperkg.output) ------
    # A node's attributes are ``kind`` and its properties (a text kept on disk as its
    # :class:`~paperkg.spill.Spooled` handle); an edge's are ``type`` and its properties.
    def node_items(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """Every node's id and attributes, in the order the nodes were added."""
        return self.g.nodes(data=True)  # type: ignore[no-any-return]

    def edge_items(self) -> Iterator[tuple[EdgeKey, dict[str, Any]]]:
        """Every edge's key and attributes, in order (by source node, then as added)."""
        return (((s, t, k), a) for s, t, k, a in self.g.edges(keys=True, data=True))

    def node_attrs(self, node_id: str) -> dict[str, Any]:
        """A node's attributes, as held (read them; change them with :meth:`set_node_attrs`)."""
        return self.g.nodes[node_id]  # type: ignore[no-any-return]

    def edge_attrs(self, key: EdgeKey) -> dict[str, Any]:
        """An edge's attributes, as held (read them; change them with :meth:`set_edge_attrs`)."""
        return self.g.edges[key]  # type: ignore[no-any-return]

    def set_node_attrs(self, node_id: str, attrs: Mapping[str, Any]) -> None:
        """Add a node with these attributes, or replace the existing node's (it keeps its place)."""
        copied = copy_attrs(attrs)
        if node_id in self.g:
            held = self.g.nodes[node_id]
            held.clear()
            held.update(copied)
        else:
            self.g.add_node(node_id, **copied)

    def set_edge_attrs(self, key: EdgeKey, attrs: Mapping[str, Any]) -> None:
        """Add an edge with these attributes (both nodes exist), or replace the existing edge's."""
        if self.g.has_edge(*key):
            held = self.g.edges[key]
            held.clear()
            held.update(attrs)
        else:
            self.g.add_edge(key[0], key[1], key=key[2], **attrs)

    # -- node-link JSON ---------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The graph as node-link data (what graph.json holds), texts kept on disk read back."""
        data = nx.node_link_data(self.g, edges="edges")
        data["nodes"] = [unspooled(n) for n in data["nodes"]]
        data["graph"] = {"format": "paperkg", "version": 1}
        return data

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

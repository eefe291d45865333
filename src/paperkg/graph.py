"""The knowledge graph: the only module that touches networkx.

A :class:`KnowledgeGraph` wraps a ``networkx.MultiDiGraph``. Node attributes are
``kind`` plus the node's properties; edges are keyed by their type (one edge of
a type between two nodes) and carry ``type`` plus their properties.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx

from paperkg.files import remove_quietly
from paperkg.model import Edge, EdgeType, Node, NodeKind

LIST_PROPS = ("aliases", "authors", "categories", "dates", "sources")


class GraphFormatError(ValueError):
    """graph.json is not a paperkg graph."""


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
        attrs = dict(self.g.nodes[node_id])
        kind = NodeKind(attrs.pop("kind"))
        return Node(node_id, kind, attrs)

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        for nid, attrs in self.g.nodes(data=True):
            if kind is None or attrs["kind"] == kind.value:
                props = {k: v for k, v in attrs.items() if k != "kind"}
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

    def subgraph(self, node_ids: Iterable[str]) -> KnowledgeGraph:
        return KnowledgeGraph(nx.MultiDiGraph(self.g.subgraph(node_ids)))

    # -- node-link JSON ---------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data = nx.node_link_data(self.g, edges="edges")
        data["graph"] = {"format": "paperkg", "version": 1}
        return data

    def _json_pieces(self, chunk: int = 5000) -> Iterator[str]:
        """The node-link JSON of :meth:`to_json`, encoded in chunks by the C encoder (``json.dump``
        to a file would use the slow pure-Python one) without building the whole text at once."""
        head = {"directed": True, "multigraph": True, "graph": {"format": "paperkg", "version": 1}}
        yield json.dumps(head, ensure_ascii=False)[:-1]
        nodes = ({**attrs, "id": nid} for nid, attrs in self.g.nodes(data=True))
        edges = (
            {**attrs, "source": s, "target": t, "key": k}
            for s, t, k, attrs in self.g.edges(keys=True, data=True)
        )
        for name, items in (("nodes", nodes), ("edges", edges)):
            yield f', "{name}": ['
            first = True
            while batch := list(islice(items, chunk)):
                text = json.dumps(batch, ensure_ascii=False)[1:-1]
                if text:
                    yield text if first else ", " + text
                    first = False
            yield "]"
        yield "}"

    def save(self, path: str | Path) -> None:
        """Write node-link JSON atomically (temporary file, then rename)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                for piece in self._json_pieces():
                    f.write(piece)
            os.replace(tmp, path)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        finally:
            remove_quietly(tmp)

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
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except json.JSONDecodeError as exc:
            raise GraphFormatError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
        except UnicodeDecodeError as exc:
            raise GraphFormatError(f"{path}: not UTF-8 text") from exc
        try:
            return cls.from_json(data)
        except GraphFormatError as exc:
            raise GraphFormatError(f"{path}: {exc}") from exc

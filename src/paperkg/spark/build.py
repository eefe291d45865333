"""The graph on Spark: each partition builds its part with the single-machine GraphBuilder, and the
nodes that several partitions add to are merged by a shuffle.

Partitions hold consecutive ranges of papers (:class:`paperkg.spark.read.PositionRanges`), sorted.
A partition's papers are corpus-typed by the broadcast resolver and added, in order, to a
:class:`~paperkg.graph.KnowledgeGraph` of their own by :class:`paperkg.assemble.GraphBuilder`.
Then:

* a paper's node and the edges that start at it are made by that paper alone: they are final;
* an entity, repository or website node, and an edge between two entities (VARIANT_OF), may be
  added to by many partitions: each partition's version goes out keyed by node id (or edge key)
  with the partition's number, and :func:`fold_nodes` / :func:`fold_edges` merge the versions of
  one key in partition order with :meth:`KnowledgeGraph.add_node` / ``add_edge``. Since the
  partitions follow each other, that is the order the single-machine build adds them in, and
  merging a partition's merged version is merging its additions one by one (lists are unioned in
  order of first sight, a property keeps its first value, an edge its first most confident
  evidence), except the dates (``first_seen``, ``last_seen``, ``papers_per_month``), which
  combine: each partition gives its papers' dates (:func:`paperkg.timeline.combined_seen`).

Node kinds come from the ids' prefixes (:data:`paperkg.ids.PREFIX_KIND`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from paperkg.assemble import GraphBuilder
from paperkg.collector import gc_paused
from paperkg.graph import KnowledgeGraph
from paperkg.ids import PREFIX_KIND
from paperkg.model import Edge, Node, NodeKind, PaperExtraction
from paperkg.spill import TextSpool
from paperkg.timeline import combined_seen

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast

    from paperkg.spark.resolution import SharedResolver

#: Tags of what a partition's build gives: final nodes and edges, and versions to merge.
NODE, EDGE, NODE_PART, EDGE_PART = "node", "edge", "node-part", "edge-part"

GraphItem = Node | Edge


def kind_of(node_id: str) -> NodeKind:
    """The kind of a node by its id's prefix ("model:llava" -> MODEL)."""
    return PREFIX_KIND[node_id.split(":", 1)[0]]


def build_partition(
    shared: Broadcast[SharedResolver], index: int, items: Iterator[tuple[int, PaperExtraction]]
) -> Iterator[tuple[str, Any]]:
    """The graph of one partition's papers as tagged items (see the module's docstring)."""
    resolver = shared.value.get()
    graph = KnowledgeGraph()
    spool = TextSpool()
    try:
        builder = GraphBuilder(graph, resolver, spool)
        with gc_paused():
            for _pos, raw in items:
                builder.add(resolver.retype(raw))
            builder.finish()  # each node's dates among this partition's papers
        spool.flush()
        for node in graph.nodes():
            if node.kind is NodeKind.PAPER:
                yield NODE, node
            else:
                yield NODE_PART, (node.id, (index, node))
        for edge in graph.edges():
            if kind_of(edge.source) is NodeKind.PAPER:
                yield EDGE, edge
            else:
                yield EDGE_PART, ((edge.source, edge.target, edge.type.value), (index, edge))
    finally:
        spool.close()


def fold_nodes(groups: Iterator[tuple[str, Iterable[tuple[int, Node]]]]) -> Iterator[Node]:
    """Each node of a partition of node ids, its partitions' versions merged in their order."""
    graph = KnowledgeGraph()
    with gc_paused():
        for nid, versions in groups:
            ordered = [node for _, node in sorted(versions, key=lambda v: v[0])]
            for node in ordered:
                graph.add_node(node)
            if len(ordered) > 1 and (dates := combined_seen(n.props for n in ordered)):
                merged = graph.node(nid)
                graph.set_node(Node(nid, merged.kind, {**merged.props, **dates}))
    yield from graph.nodes()


def fold_edges(groups: Iterator[tuple[tuple[str, str, str], Iterable[tuple[int, Edge]]]]) -> Iterator[Edge]:
    """Each edge of a partition of edge keys, its partitions' versions merged in their order."""
    graph = KnowledgeGraph()
    with gc_paused():
        for _key, versions in groups:
            for _, edge in sorted(versions, key=lambda v: v[0]):
                for end in (edge.source, edge.target):
                    if end not in graph:
                        graph.add_node(Node(end, kind_of(end)))
                graph.add_edge(edge)
    yield from graph.edges()


def _tagged(built: RDD[tuple[str, Any]], tag: str) -> RDD[Any]:
    return built.filter(lambda item: item[0] == tag).values()


def graph_items(built: RDD[tuple[str, Any]]) -> tuple[RDD[GraphItem], list[RDD[Any]]]:
    """Every node and edge of the graph, and the merged RDDs kept for the outputs' passes (to be
    unpersisted at the end)."""
    nodes = _tagged(built, NODE_PART).groupByKey().mapPartitions(fold_nodes).persist()
    edges = _tagged(built, EDGE_PART).groupByKey().mapPartitions(fold_edges).persist()
    final = built.filter(lambda item: item[0] in (NODE, EDGE)).values()
    return final.union(nodes).union(edges), [nodes, edges]


def count_items(items: RDD[GraphItem]) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per kind and edges per type."""
    counted = items.map(lambda x: (x.kind.value, 0) if isinstance(x, Node) else (x.type.value, 1))
    found = counted.countByValue()
    nodes = {k: n for (k, which), n in found.items() if which == 0}
    edges = {k: n for (k, which), n in found.items() if which == 1}
    return nodes, edges

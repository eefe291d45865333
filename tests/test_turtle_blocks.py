"""TurtleBlocks: one block of triples per subject, written with where it lies, or given as text."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from paperkg.graph import KnowledgeGraph
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import SinkError
from paperkg.sinks.turtle_blocks import TurtleBlocks
from test_rdf_export import hostile_graph
from test_sparql_queries import query_graph


def written(graph: KnowledgeGraph, turtle: bool = True) -> tuple[TurtleBlocks, bytes]:
    out = io.BytesIO()
    blocks = TurtleBlocks(out, DEFAULT_BASE_IRI, turtle=turtle, record=True)
    blocks.write_header()
    for node in graph.nodes():
        blocks.write_node(node)
    for edge in graph.edges():
        blocks.write_edge(edge)
    blocks.flush()
    return blocks, out.getvalue()


def parse(data: bytes, turtle: bool = True) -> list[ox.Triple]:
    """The triples of ``data`` as written (repeats too)."""
    fmt = ox.RdfFormat.TURTLE if turtle else ox.RdfFormat.N_TRIPLES
    return [q.triple for q in ox.parse(data, format=fmt)]


@pytest.mark.parametrize("turtle", [True, False])
def test_every_block_lies_where_it_is_recorded_and_is_its_text(turtle: bool) -> None:
    g = hostile_graph()
    blocks, data = written(g, turtle)
    assert blocks.position == len(data)
    assert blocks.triples == len(parse(data, turtle))
    nodes, edges = blocks.spans
    assert list(nodes) == [n.id for n in g.nodes()]
    for node in g.nodes():
        start, end = nodes[node.id]
        assert data[start:end] == blocks.node_text(node)
    recorded = [e for e in g.edges() if not e.source.startswith("paper:")]
    assert recorded and list(edges) == [(e.source, e.target, e.type.value) for e in recorded]
    for edge in recorded:
        start, end = edges[(edge.source, edge.target, edge.type.value)]
        assert data[start:end] == blocks.edge_text(edge)


@pytest.mark.parametrize("which", ["node", "edge"])
def test_a_block_blanked_with_spaces_takes_only_its_own_triples_away(which: str) -> None:
    """What an update of graph.ttl relies on: a block overwritten with spaces (newlines kept)
    leaves a file that parses to every other triple."""
    blocks, data = written(query_graph())
    nodes, edges = blocks.spans
    start, end = (
        nodes["model:lonely"]
        if which == "node"
        else edges[("model:alpha", "dataset:alphadata", "TRAINED_ON")]
    )
    header = data[: data.index(b"\n\n") + 2]  # the prefixes
    own = set(parse(header + data[start:end]))
    blank = bytes(b if b == 10 else 32 for b in data[start:end])
    assert own and set(parse(data[:start] + blank + data[end:])) == set(parse(data)) - own


def test_edges_join_written_or_known_nodes_only() -> None:
    blocks = TurtleBlocks(io.BytesIO(), DEFAULT_BASE_IRI)
    edge = Edge("paper:1", "model:x", EdgeType.USES, {"confidence": 0.5})
    with pytest.raises(SinkError, match="not written"):
        blocks.write_edge(edge)
    blocks.write_node(Node("paper:1", NodeKind.PAPER, {"title": "One"}))
    blocks.know("model:x", NodeKind.MODEL)  # held by the file already
    text = blocks.edge_text(edge)
    assert text.startswith(b"paper:1 pkg:uses model:x ;") and b"pkg:Evidence" in text
    with pytest.raises(SinkError, match="written twice"):
        blocks.write_node(Node("paper:1", NodeKind.PAPER, {"title": "One"}))
    assert blocks.edge_spans == {}  # recorded only with record=True

"""The sink protocol: every output format is a small class with three methods.

A sink receives every node, then every edge, then ``finalize()``; it returns a
:class:`SinkReport` whose counts :func:`write_graph` checks against what it sent,
so a silently truncated output fails loudly.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Protocol

from paperkg.errors import PaperkgError
from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, Node


class SinkError(PaperkgError, RuntimeError):
    """A sink could not write its output (the message is shown to the user)."""


@dataclass(frozen=True)
class SinkReport:
    nodes: int
    edges: int
    target: str  # a path or URI, for messages


@dataclass
class NodeSpans:
    """Where each node's block lies, in the order the nodes were written: three flat columns
    (a dict of tuples would take ~150 bytes a node, ~270 MB for a graph of a million papers)."""

    ids: list[str] = field(default_factory=list)
    starts: array[int] = field(default_factory=lambda: array("q"))
    lengths: array[int] = field(default_factory=lambda: array("q"))

    def add(self, node_id: str, start: int, end: int) -> None:
        self.ids.append(node_id)
        self.starts.append(start)
        self.lengths.append(end - start)

    def as_dict(self) -> dict[str, tuple[int, int]]:
        return {n: (s, s + k) for n, s, k in zip(self.ids, self.starts, self.lengths, strict=True)}


class Sink(Protocol):
    def write_node(self, node: Node) -> None: ...

    def write_edge(self, edge: Edge) -> None: ...

    def finalize(self) -> SinkReport: ...


class NullSink:
    """Counts what it is given and writes nothing (dry runs, tests)."""

    def __init__(self) -> None:
        self.nodes = 0
        self.edges = 0

    def write_node(self, node: Node) -> None:
        self.nodes += 1

    def write_edge(self, edge: Edge) -> None:
        self.edges += 1

    def finalize(self) -> SinkReport:
        return SinkReport(self.nodes, self.edges, "null")


def write_graph(graph: KnowledgeGraph, sink: Sink) -> SinkReport:
    """Send the whole graph through ``sink`` and check the counts it reports."""
    n = e = 0
    try:
        for node in graph.nodes():
            sink.write_node(node)
            n += 1
        for edge in graph.edges():
            sink.write_edge(edge)
            e += 1
        report = sink.finalize()
    except BaseException:
        abort = getattr(sink, "abort", None)
        if abort is not None:
            abort()  # let the sink remove what it half wrote
        raise
    if (report.nodes, report.edges) != (n, e):
        raise SinkError(
            f"{report.target}: wrote {report.nodes} nodes / {report.edges} edges, expected {n} / {e}"
        )
    return report

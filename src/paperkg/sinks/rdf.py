"""The RDF sink: the graph as Turtle, N-Triples, JSON-LD or RDF/XML, using the paperkg ontology
(``ontology/paperkg.ttl``, mirrored in :mod:`paperkg.vocab`; the terms in :mod:`paperkg.rdf_terms`):

* every node is typed with its ``pkg:`` class and the standard classes it aligns to;
* every edge is a direct triple (``paper pkg:uses entity``) plus a ``pkg:Evidence`` node (a
  qualified relation) carrying its evidence (decisions/0002-rdf-evidence.md);
* node IRIs are ``base + kind + "/" + percent-encoded id``, valid and stable for any id.

Turtle and N-Triples are written as text (:class:`~paperkg.sinks.turtle_blocks.TurtleBlocks`),
which is ~50x faster than rdflib's serializer; JSON-LD and RDF/XML are produced from that
N-Triples stream by pyoxigraph. :mod:`paperkg.readers.rdf` reads any of the four back;
:mod:`paperkg.queries.sparql` runs the saved SPARQL queries over them.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from paperkg.files import remove_quietly
from paperkg.graph import KnowledgeGraph
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.model import Edge, Node
from paperkg.rdf_terms import FORMATS
from paperkg.sinks.base import SinkError, SinkReport
from paperkg.sinks.turtle_blocks import TurtleBlocks
from paperkg.vocab import PREFIXES

_BASE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*[/#]")


@dataclass
class RdfSink:
    """Write a graph as RDF: ``fmt`` is ``ttl``, ``nt``, ``jsonld`` or ``xml``.

    The file is written to a temporary name next to ``path`` and renamed by :meth:`finalize`.
    With ``record``, :attr:`blocks` knows where each block lies (see
    :class:`~paperkg.sinks.turtle_blocks.TurtleBlocks`).
    """

    path: str | os.PathLike[str]
    fmt: str = "ttl"
    base_iri: str = DEFAULT_BASE_IRI
    record: bool = False
    _written: int = field(default=0, init=False)
    _edges: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise SinkError(f"unknown RDF format {self.fmt!r} (choose from {', '.join(FORMATS)})")
        if not _BASE_IRI.fullmatch(self.base_iri):
            raise SinkError(f"base IRI must be an absolute IRI ending in / or #, got {self.base_iri!r}")
        self._target = Path(self.path)
        self._tmp = self._target.with_name(f".{self._target.name}.tmp")
        try:
            self._out: IO[bytes] = open(self._tmp, "wb")  # noqa: SIM115
        except OSError as exc:
            raise SinkError(f"{self._target}: {exc.strerror}") from exc
        self.blocks = TurtleBlocks(
            self._out, self.base_iri, turtle=self.fmt == "ttl", xml_safe=self.fmt == "xml", record=self.record
        )
        self.blocks.write_header()

    @property
    def triples(self) -> int:
        """Triples written so far."""
        return self.blocks.triples

    def write_node(self, node: Node) -> None:
        """Write one node: its types, ``pkg:id`` and properties (one subject block)."""
        self.blocks.write_node(node)
        self._written += 1

    def write_edge(self, edge: Edge) -> None:
        """Write one edge: the direct triple (+ its CiTO twin) and, when it has properties, its evidence."""
        self.blocks.write_edge(edge)
        self._edges += 1

    def finalize(self) -> SinkReport:
        try:
            self.blocks.flush()
            self._out.close()
            if self.fmt in ("jsonld", "xml"):
                nt = self._tmp.with_name(self._tmp.name + ".nt")
                os.replace(self._tmp, nt)
                try:
                    quads = ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES)
                    ox.serialize(quads, self._tmp, FORMATS[self.fmt], prefixes=_serializer_prefixes())
                finally:
                    nt.unlink(missing_ok=True)
            os.replace(self._tmp, self._target)
        except OSError as exc:
            remove_quietly(self._tmp)
            raise SinkError(f"{self._target}: {exc.strerror or exc}") from exc
        except (SyntaxError, ValueError) as exc:  # pyoxigraph: a bug here, not the user's
            remove_quietly(self._tmp)
            raise SinkError(f"{self._target}: could not convert to {self.fmt}: {exc}") from exc
        except BaseException:
            remove_quietly(self._tmp)
            raise
        return SinkReport(self._written, self._edges, str(self._target))

    def abort(self) -> None:
        """Close and remove the temporary file (after an error)."""
        with contextlib.suppress(OSError):
            self._out.close()
        remove_quietly(self._tmp)


def _serializer_prefixes() -> dict[str, str]:
    return {p: ns for p, ns in PREFIXES.items() if p not in ("owl", "rdfs")}


def write_rdf(
    graph: KnowledgeGraph, path: str | os.PathLike[str], fmt: str = "ttl", base_iri: str = DEFAULT_BASE_IRI
) -> SinkReport:
    """Convenience: the whole graph through an :class:`RdfSink`."""
    from paperkg.sinks.base import write_graph

    sink = RdfSink(path, fmt, base_iri)
    try:
        return write_graph(graph, sink)
    except BaseException:
        sink.abort()
        raise


__all__ = ["RdfSink", "write_rdf"]

"""Reading a paperkg RDF export (Turtle, N-Triples, JSON-LD or RDF/XML) back into a
:class:`~paperkg.graph.KnowledgeGraph`: the reverse of :class:`paperkg.sinks.rdf.RdfSink`."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from paperkg.graph import KnowledgeGraph
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.model import Edge, Node
from paperkg.rdf_terms import (
    CLASS_KIND,
    EDGE_PREDICATE_PROP,
    FORMATS,
    LIST,
    NODE,
    NODE_PREDICATE_PROP,
    PREDICATE_EDGE,
    RdfFormatError,
    node_id_from_iri,
)
from paperkg.vocab import PKG, RDF, XSD

EXTENSIONS: dict[str, str] = {
    ".ttl": "ttl",
    ".turtle": "ttl",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
}
_INTEGER_TYPES = {str(XSD[t]) for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_DECIMAL_TYPES = {str(XSD[t]) for t in ("double", "decimal", "float")}


def guess_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """``fmt`` checked, or the RDF format of ``path`` told by its extension."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise RdfFormatError(f"unknown RDF format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise RdfFormatError(f"{path}: cannot tell the RDF format from the extension {ext!r}")
    return EXTENSIONS[ext]


def term_value(term: Any) -> Any:
    """An RDF term as a Python value: integer and double literals as ``int`` / ``float``, other
    literals and IRIs as ``str``."""
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in _INTEGER_TYPES:
            return int(term.value)
        if dt in _DECIMAL_TYPES:
            return float(term.value)
        return term.value
    return term.value


@dataclass
class _Subject:
    types: list[str] = field(default_factory=list)
    props: dict[str, list[Any]] = field(default_factory=dict)


def graph_from_rdf(
    path: str | os.PathLike[str], fmt: str | None = None, base_iri: str = DEFAULT_BASE_IRI
) -> KnowledgeGraph:
    """Read a paperkg RDF export (any of the four formats) back into a :class:`KnowledgeGraph`.

    Node ids come from ``pkg:id`` (else from the IRI); properties, edges and their evidence are
    restored from the terms :class:`~paperkg.sinks.rdf.RdfSink` writes; standard-vocabulary
    duplicates and the derived ``pkg:nameKey`` (an entity's name keys, made again from its names
    by the writer) are ignored.
    """
    fmt = guess_format(path, fmt)
    subjects: dict[str, _Subject] = {}
    rdf_type = str(RDF.type)
    try:
        for quad in ox.parse(path=Path(path), format=FORMATS[fmt]):
            s = quad.subject.value
            sub = subjects.get(s)
            if sub is None:
                sub = subjects[s] = _Subject()
            p = quad.predicate.value
            if p == rdf_type:
                sub.types.append(quad.object.value)
            else:
                sub.props.setdefault(p, []).append(quad.object)
    except SyntaxError as exc:
        raise RdfFormatError(f"{path}: not valid {fmt}: {exc}") from exc
    except OSError as exc:
        raise RdfFormatError(f"{path}: {exc.strerror or exc}") from exc
    builder = _GraphBuilder(base_iri, str(path))
    evidence = builder.add_nodes(subjects)
    seen = builder.add_evidence_edges(evidence)
    builder.add_direct_edges(subjects, seen)
    return builder.graph


class _GraphBuilder:
    """The graph of an export's subjects: its nodes, then the edges of its evidence nodes, then
    the direct triples that have none (hand-written data)."""

    def __init__(self, base_iri: str, where: str) -> None:
        self.graph = KnowledgeGraph()
        self.base_iri, self.where = base_iri, where
        self.ids: dict[str, str] = {}  # node IRI -> node id
        self.p_extra = str(PKG.extra)

    def node_id(self, term: Any) -> str:
        iri = term.value
        if iri in self.ids:
            return self.ids[iri]
        return node_id_from_iri(iri, self.base_iri)[0]

    def add_nodes(self, subjects: Mapping[str, _Subject]) -> list[_Subject]:
        """Add every subject typed with a node class; returns the evidence nodes."""
        evidence_cls, p_id = str(PKG.Evidence), str(PKG.id)
        evidence: list[_Subject] = []
        for iri, sub in subjects.items():
            kind = next((CLASS_KIND[c] for c in sub.types if c in CLASS_KIND), None)
            if kind is None:
                if evidence_cls in sub.types:
                    evidence.append(sub)
                continue
            given = sub.props.get(p_id)
            nid = given[0].value if given else node_id_from_iri(iri, self.base_iri)[0]
            self.ids[iri] = nid
            props: dict[str, Any] = {}
            for pred, objs in sub.props.items():
                spec = NODE_PREDICATE_PROP.get(pred)
                if spec is None:
                    continue
                key, typ = spec
                props[key] = [o.value for o in objs] if typ == LIST else term_value(objs[0])
            if self.p_extra in sub.props:
                props.update(json.loads(sub.props[self.p_extra][0].value))
            self.graph.add_node(Node(nid, kind, props))
        return evidence

    def add_evidence_edges(self, evidence: list[_Subject]) -> set[tuple[str, str, str]]:
        """Add the edge of every evidence node; returns them as (subject IRI, type, object IRI)."""
        seen: set[tuple[str, str, str]] = set()
        p_subject, p_object, p_relation = str(PKG.subject), str(PKG.object), str(PKG.relation)
        for sub in evidence:
            try:
                s, o, r = sub.props[p_subject][0], sub.props[p_object][0], sub.props[p_relation][0]
            except KeyError as exc:
                raise RdfFormatError(f"{self.where}: an evidence node lacks {exc.args[0]}") from None
            etype = PREDICATE_EDGE.get(r.value)
            if etype is None:
                raise RdfFormatError(f"{self.where}: unknown relation {r.value}")
            props = {}
            for pred, objs in sub.props.items():
                spec = EDGE_PREDICATE_PROP.get(pred)
                if spec is None:
                    continue
                key, typ = spec
                props[key] = self.node_id(objs[0]) if typ == NODE else term_value(objs[0])
            if self.p_extra in sub.props:
                props.update(json.loads(sub.props[self.p_extra][0].value))
            self.add_edge(Edge(self.node_id(s), self.node_id(o), etype, props))
            seen.add((s.value, etype.value, o.value))
        return seen

    def add_direct_edges(self, subjects: Mapping[str, _Subject], seen: set[tuple[str, str, str]]) -> None:
        """Direct triples between nodes without an evidence node: edges without properties."""
        for iri, sub in subjects.items():
            if iri not in self.ids:
                continue
            for pred, objs in sub.props.items():
                etype = PREDICATE_EDGE.get(pred)
                if etype is None:
                    continue
                for o in objs:
                    if (iri, etype.value, o.value) not in seen:
                        self.add_edge(Edge(self.ids[iri], self.node_id(o), etype, {}))

    def add_edge(self, edge: Edge) -> None:
        try:
            self.graph.add_edge(edge)
        except KeyError as exc:
            raise RdfFormatError(f"{self.where}: {exc.args[0]}") from None


__all__ = ["EXTENSIONS", "graph_from_rdf", "guess_format", "term_value"]

"""Turtle (or N-Triples) text of a graph's nodes and edges, one block of triples per subject.

:class:`TurtleBlocks` renders every node and edge the way :class:`~paperkg.sinks.rdf.RdfSink`
writes them (decisions/0002-rdf-evidence.md) and writes the blocks to a binary stream, knowing
where each one lies; it also gives a block's text without writing it. The RDF sink writes whole
files with it, and an update of a build directory changes graph.ttl in place with it
(:mod:`paperkg.output.turtle`). Terms are escaped per the RDF 1.1 grammars.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.rdf_terms import (
    EDGE_PREDICATE,
    EDGE_PROPS,
    EVIDENCE_SEGMENT,
    FLOAT,
    INT,
    KIND_CLASSES,
    KIND_SEGMENT,
    LIST,
    NODE,
    NODE_PROPS,
    STR,
    USES_CITO,
    evidence_iri,
    node_slug,
)
from paperkg.sinks.base import NodeSpans, SinkError
from paperkg.sinks.name_keys import name_keys
from paperkg.vocab import PKG, PREFIXES, RDF, SCHEMA, XSD

EdgeSpans = dict[tuple[str, str, str], tuple[int, int]]

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff]')
_ESCAPES: dict[int, str] = {i: f"\\u{i:04X}" for i in range(0x20)}
_ESCAPES.update({0x7F: "\\u007F", ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"})
_ESCAPES.update({ord("\t"): "\\t"})
_ESCAPES.update({c: "\ufffd" for c in range(0xD800, 0xE000)})  # lone surrogates cannot be written
_PN_LOCAL = re.compile(r"[A-Za-z0-9_%](?:[A-Za-z0-9_%.\-]*[A-Za-z0-9_%\-])?")
_XSD_INTEGER = str(XSD.integer)
_XSD_DOUBLE = str(XSD.double)


def escape_literal(text: str) -> str:
    """The body of a Turtle / N-Triples string literal (without the quotes)."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_ESCAPES)


def _double_lexical(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _plain_scalar(value: Any) -> Any:
    """A str / int / float subclass instance (a str enum, numpy-free) as the plain built-in value."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _fits(value: Any, typ: str) -> bool:
    if typ in (STR, NODE):
        return isinstance(value, str)
    if typ == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if typ == FLOAT:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, list | tuple) and all(isinstance(x, str) for x in value)


class _Terms:
    """Renders IRIs and literals as N-Triples or Turtle terms."""

    def __init__(self, base_iri: str, turtle: bool, xml_safe: bool) -> None:
        self.turtle = turtle
        self.xml_safe = xml_safe
        self.prefixes: dict[str, str] = dict(PREFIXES)
        if turtle:
            for kind, seg in KIND_SEGMENT.items():
                self.prefixes[kind.value] = f"{base_iri}{seg}/"
            self.prefixes[EVIDENCE_SEGMENT] = f"{base_iri}{EVIDENCE_SEGMENT}/"
        self._by_ns = sorted(((ns, p) for p, ns in self.prefixes.items()), key=lambda x: -len(x[0]))

    def header(self) -> str:
        if not self.turtle:
            return ""
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()) + "\n"

    def iri(self, iri: str) -> str:
        if self.turtle:
            for ns, p in self._by_ns:
                if iri.startswith(ns):
                    local = iri[len(ns) :]
                    if _PN_LOCAL.fullmatch(local):
                        return f"{p}:{local}"
                    break
        return f"<{iri}>"

    def string(self, value: str) -> str:
        if self.xml_safe and _XML_BAD.search(value):
            value = _XML_BAD.sub("\ufffd", value)  # XML 1.0 cannot hold these characters at all
        return f'"{escape_literal(value)}"'

    def integer(self, value: int) -> str:
        return str(int(value)) if self.turtle else f'"{int(value)}"^^<{_XSD_INTEGER}>'

    def double(self, value: float) -> str:
        lex = _double_lexical(value)
        return f'"{lex}"^^xsd:double' if self.turtle else f'"{lex}"^^<{_XSD_DOUBLE}>'


@dataclass(slots=True)
class _Node:
    term: str
    kind: NodeKind


class TurtleBlocks:
    """Writes nodes and edges to ``out`` as blocks of Turtle, one subject each (with
    ``turtle=False``, as N-Triples lines; with ``xml_safe``, literals hold only characters XML 1.0
    can).

    A node's block holds its types, ``pkg:id``, properties and, for an entity, a ``pkg:nameKey`` per
    name key (:mod:`paperkg.sinks.name_keys`); an edge's blocks, its direct triple
    (+ its CiTO twin) and, when it has properties, its ``pkg:Evidence`` node. An edge joins nodes
    written before or made known with :meth:`know` (nodes a file holds already). Text is buffered
    until :meth:`flush`. With ``record``, :attr:`node_spans` and :attr:`edge_spans` hold where
    each node's block lies and each edge's blocks for an edge that does not start at a paper
    (byte offsets in what was written, for replacing them later).
    """

    def __init__(
        self, out: IO[bytes], base_iri: str, turtle: bool = True, xml_safe: bool = False, record: bool = False
    ) -> None:
        self.out, self.base_iri, self.record = out, base_iri, record
        self.triples = 0  # written
        self.position = 0  # bytes written (buffered or not)
        self.node_spans = NodeSpans()
        self.edge_spans: EdgeSpans = {}
        self._nodes: dict[str, _Node] = {}
        self._buf: list[str] = []
        self._extras: dict[Any, str] = {}
        self._t = t = _Terms(base_iri, turtle, xml_safe)
        self._a = "a" if turtle else f"<{RDF.type}>"
        # "a c1, c2" in Turtle is one pair but several triples
        if turtle:
            self._type_pairs = {k: ["a " + ", ".join(t.iri(c) for c in v)] for k, v in KIND_CLASSES.items()}
            self._type_extra = {k: len(v) - 1 for k, v in KIND_CLASSES.items()}
        else:
            self._type_pairs = {k: [f"{self._a} {t.iri(c)}" for c in v] for k, v in KIND_CLASSES.items()}
            self._type_extra = {k: 0 for k in KIND_CLASSES}
        self._np: dict[str, tuple[str, str]] = {k: (t.iri(p), typ) for k, (p, typ) in NODE_PROPS.items()}
        self._ep: dict[str, tuple[str, str]] = {k: (t.iri(p), typ) for k, (p, typ) in EDGE_PROPS.items()}
        self._rel = {e: t.iri(p) for e, p in EDGE_PREDICATE.items()}
        self._cito = {k: t.iri(p) for k, p in USES_CITO.items()}
        self._p_id, self._p_extra = t.iri(PKG.id), t.iri(PKG.extra)
        self._p_name_key = t.iri(PKG.nameKey)
        self._p_code = t.iri(SCHEMA.codeRepository)
        self._p_subject, self._p_object = t.iri(PKG.subject), t.iri(PKG.object)
        self._p_relation = t.iri(PKG.relation)
        self._ev_type = f"{self._a} {t.iri(PKG.Evidence)}"

    # -- writing ----------------------------------------------------------------------------------
    def write_header(self) -> None:
        """The ``@prefix`` lines (Turtle; nothing for N-Triples): first, once per file."""
        self._write(self._t.header())

    def write_node(self, node: Node) -> None:
        """Write one node's block; edges written later may join it."""
        if node.id in self._nodes:
            raise SinkError(f"node {node.id} written twice")
        term, po = self._node_pairs(node)
        self._nodes[node.id] = _Node(term, node.kind)
        start = self.position
        self._emit(term, po, self._type_extra[node.kind])
        if self.record:
            self.node_spans.add(node.id, start, self.position)

    def write_edge(self, edge: Edge) -> None:
        """Write one edge's blocks: the direct triple (+ its CiTO twin) and, when it has
        properties, its evidence."""
        start = self.position
        for subject, po in self._edge_blocks(edge):
            self._emit(subject, po)
        if self.record and self._nodes[edge.source].kind is not NodeKind.PAPER:
            self.edge_spans[(edge.source, edge.target, edge.type.value)] = (start, self.position)

    def know(self, node_id: str, kind: NodeKind) -> None:
        """A node the file already holds, which edges written now may join."""
        if node_id not in self._nodes:
            self._nodes[node_id] = _Node(self._node_term(node_id, kind), kind)

    def flush(self) -> None:
        """Write out what is buffered."""
        self.out.write("".join(self._buf).encode())
        self._buf.clear()

    @property
    def spans(self) -> tuple[dict[str, tuple[int, int]], EdgeSpans]:
        """With ``record``: :attr:`node_spans` by node id, and :attr:`edge_spans`."""
        return self.node_spans.as_dict(), self.edge_spans

    # -- text without writing ---------------------------------------------------------------------
    def node_text(self, node: Node) -> bytes:
        """The block :meth:`write_node` would write for ``node`` (not written)."""
        return self._block(*self._node_pairs(node)).encode()

    def edge_text(self, edge: Edge) -> bytes:
        """The blocks :meth:`write_edge` would write for ``edge`` (not written)."""
        return "".join(self._block(s, po) for s, po in self._edge_blocks(edge)).encode()

    # -- one subject with its "predicate object" pairs --------------------------------------------
    def _write(self, text: str) -> None:
        # Blocks are gathered and encoded a few thousand at a time; an ASCII block's length in
        # UTF-8 is its length.
        self._buf.append(text)
        self.position += len(text) if text.isascii() else len(text.encode())
        if len(self._buf) >= 4096:
            self.flush()

    def _block(self, subject: str, po: list[str]) -> str:
        if self._t.turtle:
            return subject + " " + " ;\n    ".join(po) + " .\n"
        end = " .\n" + subject + " "
        return subject + " " + end.join(po) + " .\n"

    def _emit(self, subject: str, po: list[str], extra_triples: int = 0) -> None:
        self.triples += len(po) + extra_triples
        self._write(self._block(subject, po))

    def _node_term(self, node_id: str, kind: NodeKind) -> str:
        slug = node_slug(node_id, kind)
        if self._t.turtle and _PN_LOCAL.fullmatch(slug):
            return f"{kind.value}:{slug}"
        return f"<{self.base_iri}{KIND_SEGMENT[kind]}/{slug}>"

    def _props(self, props: Mapping[str, Any], spec: Mapping[str, tuple[str, str]], po: list[str]) -> None:
        """Append the "predicate object" pairs of ``props``; what the mapping can't hold goes to pkg:extra."""
        extra: dict[str, Any] = {}
        string = self._t.string
        for key, value in props.items():
            ps = spec.get(key)
            if ps is None or value is None:
                extra[key] = value
                continue
            pred, typ = ps
            vt = type(value)
            if typ is STR and vt is str:
                if _NEEDS_ESCAPE.search(value) is None and not self._t.xml_safe:
                    po.append(f'{pred} "{value}"')
                else:
                    po.append(f"{pred} {string(value)}")
            elif typ is LIST and (vt is list or vt is tuple) and all(type(v) is str for v in value):
                if value:
                    po.extend(f"{pred} {string(v)}" for v in value)
                else:
                    extra[key] = []  # an empty list has no triple: kept so the round trip is exact
            elif typ is INT and vt is int:
                po.append(f"{pred} {self._t.integer(value)}")
            elif typ is FLOAT and (vt is float or vt is int):
                po.append(f"{pred} {self._t.double(value)}")
            elif typ is NODE and vt is str:
                paper = self._nodes.get(value)
                po.append(f"{pred} {paper.term if paper else self._node_term(value, NodeKind.PAPER)}")
            elif _fits(value, typ):  # str / int / float subclasses (str enums ...)
                plain = _plain_scalar(value)
                self._props({key: list(map(_plain_scalar, plain)) if typ is LIST else plain}, spec, po)
            else:
                extra[key] = value
        if extra:
            po.append(self._extra_pair(extra))

    def _extra_pair(self, extra: dict[str, Any]) -> str:
        """The ``pkg:extra`` pair of ``extra``; the same few (an edge's ``{"role": "used"}``) come
        again and again: their text is kept (json.dumps with options costs ~10 us a call)."""
        try:
            key: Any = tuple((k, type(v), tuple(v) if type(v) is list else v) for k, v in extra.items())
            pair = self._extras.get(key)
        except TypeError:  # a value that cannot be a key
            key = pair = None
        if pair is None:
            text = json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str)
            pair = f"{self._p_extra} {self._t.string(text)}"
            if key is not None and len(self._extras) < 4096:
                self._extras[key] = pair
        return pair

    def _node_pairs(self, node: Node) -> tuple[str, list[str]]:
        """A node's subject term and its "predicate object" pairs: types, ``pkg:id``, properties (and
        an entity's name keys)."""
        term = self._node_term(node.id, node.kind)
        po = list(self._type_pairs[node.kind])
        po.append(f"{self._p_id} {self._t.string(node.id)}")
        self._props(node.props, self._np, po)
        if node.kind is NodeKind.REPOSITORY and type(node.props.get("url")) is str:
            po.append(f"{self._p_code} {self._t.string(node.props['url'])}")
        po.extend(f"{self._p_name_key} {self._t.string(key)}" for key in name_keys(node))
        return term, po

    def _edge_blocks(self, edge: Edge) -> list[tuple[str, list[str]]]:
        """An edge's subject blocks: the direct triple (+ its CiTO twin) and, when it has
        properties, its evidence node."""
        src = self._nodes.get(edge.source)
        dst = self._nodes.get(edge.target)
        if src is None or dst is None:
            raise SinkError(
                f"edge {edge.type.value} joins node(s) not written: {edge.source} -> {edge.target}"
            )
        rel = self._rel[edge.type]
        po = [f"{rel} {dst.term}"]
        if edge.type is EdgeType.USES and dst.kind in self._cito:
            po.append(f"{self._cito[dst.kind]} {dst.term}")
        blocks = [(src.term, po)]
        if edge.props:
            po = [
                self._ev_type,
                f"{self._p_subject} {src.term}",
                f"{self._p_relation} {rel}",
                f"{self._p_object} {dst.term}",
            ]
            self._props(edge.props, self._ep, po)
            ev = evidence_iri(edge.source, edge.type, edge.target, "")
            turtle = self._t.turtle
            blocks.append(
                (f"evidence:{ev[len(EVIDENCE_SEGMENT) + 1 :]}" if turtle else f"<{self.base_iri}{ev}>", po)
            )
        return blocks

"""RDF sink, RDF reader and the SPARQL runner.

:class:`RdfSink` writes the graph as Turtle, N-Triples, JSON-LD or RDF/XML using the paperkg
ontology (``ontology/paperkg.ttl``, mirrored in :mod:`paperkg.vocab`):

* every node is typed with its ``pkg:`` class and the standard classes it aligns to;
* every edge is a direct triple (``paper pkg:uses entity``) plus a ``pkg:Evidence`` node (a
  qualified relation) carrying its evidence (decisions/0002-rdf-evidence.md);
* node IRIs are ``base + kind + "/" + percent-encoded id``, valid and stable for any id.

Turtle and N-Triples are written as text by this module (escaped per the RDF 1.1 grammars),
which is ~50x faster than rdflib's serializer; JSON-LD and RDF/XML are produced from that
N-Triples stream by pyoxigraph. :func:`graph_from_rdf` reads any of the four back into a
:class:`~paperkg.graph.KnowledgeGraph`; :func:`run_sparql` runs a saved ``queries/NAME.rq``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from paperkg.errors import PaperkgError
from paperkg.files import remove_quietly
from paperkg.graph import KnowledgeGraph
from paperkg.ids import DEFAULT_BASE_IRI, ID_PREFIX
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.queries import QueryError, SavedQuery
from paperkg.sinks.base import NodeSpans, SinkError, SinkReport
from paperkg.vocab import (
    CITO,
    DCAT,
    DCTERMS,
    FABIO,
    MLS,
    PKG,
    PREFIXES,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
)

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
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


class RdfFormatError(PaperkgError, ValueError):
    """An RDF file that is not a paperkg export (or cannot be parsed)."""


# -- IRIs ------------------------------------------------------------------------------------------

KIND_SEGMENT: dict[NodeKind, str] = {k: k.value for k in NodeKind}
_SEGMENT_KIND = {v: k for k, v in KIND_SEGMENT.items()}
EVIDENCE_SEGMENT = "evidence"


def _pct(text: str) -> str:
    # Everything but ASCII letters, digits and "-._" is percent-encoded (UTF-8): the result is a
    # valid IRI path segment whatever the text holds. "~" is encoded too: it marks raw ids below.
    out = quote(text, safe="", errors="surrogatepass").replace("~", "%7E")
    return "%2E" + out[1:] if out in (".", "..") else out  # no dot segments


def node_slug(node_id: str, kind: NodeKind) -> str:
    """The IRI path segment of a node: its id without the kind's prefix, percent-encoded.

    An id that does not start with its kind's usual prefix is encoded whole behind a ``~``, so
    the mapping stays one-to-one (and reversible with :func:`node_id_from_iri`).
    """
    prefix = ID_PREFIX[kind]
    if node_id.startswith(prefix) and len(node_id) > len(prefix):
        return _pct(node_id[len(prefix) :])
    return "~" + _pct(node_id)


def node_iri(node_id: str, kind: NodeKind, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The stable IRI of a node: ``base + kind + "/" + slug``."""
    return f"{base_iri}{KIND_SEGMENT[kind]}/{node_slug(node_id, kind)}"


def node_id_from_iri(iri: str, base_iri: str = DEFAULT_BASE_IRI) -> tuple[str, NodeKind]:
    """Invert :func:`node_iri` (raises :class:`RdfFormatError` for an IRI that is not one)."""
    if not iri.startswith(base_iri):
        raise RdfFormatError(f"IRI {iri} is not under the base IRI {base_iri}")
    segment, _, slug = iri[len(base_iri) :].partition("/")
    kind = _SEGMENT_KIND.get(segment)
    if kind is None or not slug:
        raise RdfFormatError(f"IRI {iri} is not a paperkg node IRI")
    if slug.startswith("~"):
        return unquote(slug[1:], errors="surrogatepass"), kind
    return ID_PREFIX[kind] + unquote(slug, errors="surrogatepass"), kind


def evidence_iri(source: str, type: EdgeType, target: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """Stable IRI of an edge's evidence node (a hash of source, type and target ids)."""
    digest = hashlib.blake2b(
        f"{source}\x1f{type.value}\x1f{target}".encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()
    return f"{base_iri}{EVIDENCE_SEGMENT}/{digest}"


# -- the mapping between graph properties and RDF ---------------------------------------------------

KIND_CLASSES: dict[NodeKind, tuple[str, ...]] = {
    NodeKind.PAPER: (PKG.Paper, SCHEMA.ScholarlyArticle, FABIO.ResearchPaper),
    NodeKind.MODEL: (PKG.Model, MLS.Model),
    NodeKind.DATASET: (PKG.Dataset, SCHEMA.Dataset, DCAT.Dataset, MLS.Dataset),
    NodeKind.BENCHMARK: (PKG.Benchmark,),
    NodeKind.REPOSITORY: (PKG.Repository, SCHEMA.SoftwareSourceCode),
    NodeKind.WEBSITE: (PKG.Website, SCHEMA.WebSite),
}
CLASS_KIND: dict[str, NodeKind] = {str(v[0]): k for k, v in KIND_CLASSES.items()}

EDGE_PREDICATE: dict[EdgeType, str] = {
    EdgeType.INTRODUCES: PKG.introduces,
    EdgeType.USES: PKG.uses,
    EdgeType.EVALUATES_ON: PKG.evaluatesOn,
    EdgeType.HAS_CODE: PKG.hasCode,
    EdgeType.HAS_WEBSITE: PKG.hasWebsite,
    EdgeType.VARIANT_OF: PKG.variantOf,
    EdgeType.TRAINED_ON: PKG.trainedOn,
}
PREDICATE_EDGE: dict[str, EdgeType] = {str(v): k for k, v in EDGE_PREDICATE.items()}
# A paper's USES link is also given in CiTO, chosen by the target's kind.
USES_CITO: dict[NodeKind, str] = {NodeKind.DATASET: CITO.usesDataFrom, NodeKind.MODEL: CITO.usesMethodIn}

STR, INT, FLOAT, LIST, NODE = "str", "int", "float", "list", "node"
NODE_PROPS: dict[str, tuple[str, str]] = {
    "title": (DCTERMS.title, STR),
    "abstract": (DCTERMS.abstract, STR),
    "arxiv_id": (PKG.arxivId, STR),
    "doi": (PKG.doi, STR),
    "url": (PKG.url, STR),
    "published": (DCTERMS.issued, STR),
    "authors": (PKG.author, LIST),
    "categories": (PKG.category, LIST),
    "dates": (PKG.listingDate, LIST),
    "sources": (DCTERMS.source, LIST),
    "updated": (DCTERMS.modified, STR),
    "affiliations": (PKG.affiliation, LIST),
    "keywords": (PKG.keyword, LIST),
    "upvotes": (PKG.upvotes, INT),
    "ids": (PKG.identifier, LIST),
    "links": (PKG.link, LIST),
    "name": (SKOS.prefLabel, STR),
    "aliases": (SKOS.altLabel, LIST),
    "homepage": (PKG.homepage, STR),
    "url_kind": (PKG.urlKind, STR),
}
EDGE_PROPS: dict[str, tuple[str, str]] = {
    "field": (PKG.field, STR),
    "start": (PKG.start, INT),
    "end": (PKG.end, INT),
    "sentence": (PKG.sentence, STR),
    "extractor": (PKG.extractor, STR),
    "extractor_version": (PKG.extractorVersion, STR),
    "confidence": (PKG.confidence, FLOAT),
    "mention_type": (PKG.mentionType, STR),
    "paper": (PROV.wasDerivedFrom, NODE),
}
_NODE_PRED_KEY = {str(p): (k, t) for k, (p, t) in NODE_PROPS.items()}
_EDGE_PRED_KEY = {str(p): (k, t) for k, (p, t) in EDGE_PROPS.items()}


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


# -- term rendering ---------------------------------------------------------------------------------

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff]')
_ESCAPES: dict[int, str] = {i: f"\\u{i:04X}" for i in range(0x20)}
_ESCAPES.update({0x7F: "\\u007F", ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"})
_ESCAPES.update({ord("\t"): "\\t"})
_ESCAPES.update({c: "\ufffd" for c in range(0xD800, 0xE000)})  # lone surrogates cannot be written
_PN_LOCAL = re.compile(r"[A-Za-z0-9_%](?:[A-Za-z0-9_%.\-]*[A-Za-z0-9_%\-])?")
_XSD_INTEGER = str(XSD.integer)
_XSD_DOUBLE = str(XSD.double)
_INTEGER_TYPES = {str(XSD[t]) for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_DECIMAL_TYPES = {str(XSD[t]) for t in ("double", "decimal", "float")}


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


# -- the sink ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    term: str
    kind: NodeKind


@dataclass
class RdfSink:
    """Write a graph as RDF: ``fmt`` is ``ttl``, ``nt``, ``jsonld`` or ``xml``.

    The file is written to a temporary name next to ``path`` and renamed by :meth:`finalize`.
    With ``memory`` (Turtle and N-Triples), nothing is written to ``path``: the text is kept for
    :meth:`getvalue`, the blocks to add to a file this sink wrote with the same ``base_iri`` (its
    prefixes still hold), whose nodes are made known to the edges with :meth:`know`. With
    ``record``, :attr:`spans` has where each node's block lies, and each edge's blocks for an edge
    that does not start at a paper (byte offsets, for replacing them later).
    """

    path: str | os.PathLike[str]
    fmt: str = "ttl"
    base_iri: str = DEFAULT_BASE_IRI
    memory: bool = False
    record: bool = False
    triples: int = field(default=0, init=False)
    _nodes: dict[str, _Node] = field(default_factory=dict, init=False, repr=False)
    _written: int = field(default=0, init=False)
    _edges: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise SinkError(f"unknown RDF format {self.fmt!r} (choose from {', '.join(FORMATS)})")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*[/#]", self.base_iri):
            raise SinkError(f"base IRI must be an absolute IRI ending in / or #, got {self.base_iri!r}")
        self._target = Path(self.path)
        self._tmp = self._target.with_name(f".{self._target.name}.tmp")
        self._t = _Terms(self.base_iri, turtle=self.fmt == "ttl", xml_safe=self.fmt == "xml")
        if self.memory and self.fmt not in ("ttl", "nt"):
            raise SinkError(f"{self._target}: {self.fmt} cannot be added to")
        self.node_spans = NodeSpans()
        self.edge_spans: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._pos = 0
        self._buf: list[str] = []
        try:
            self._out: IO[bytes] = io.BytesIO() if self.memory else open(self._tmp, "wb")  # noqa: SIM115
        except OSError as exc:
            raise SinkError(f"{self._target}: {exc.strerror}") from exc
        if not self.memory:
            self._write(self._t.header())
        t = self._t
        self._a = "a" if t.turtle else f"<{RDF.type}>"
        # "a c1, c2" in Turtle is one pair but several triples
        if t.turtle:
            self._type_pairs = {k: ["a " + ", ".join(t.iri(c) for c in v)] for k, v in KIND_CLASSES.items()}
            self._type_extra = {k: len(v) - 1 for k, v in KIND_CLASSES.items()}
        else:
            self._type_pairs = {k: [f"{self._a} {t.iri(c)}" for c in v] for k, v in KIND_CLASSES.items()}
            self._type_extra = {k: 0 for k in KIND_CLASSES}
        self._np: dict[str, tuple[str, str]] = {k: (t.iri(p), typ) for k, (p, typ) in NODE_PROPS.items()}
        self._ep: dict[str, tuple[str, str]] = {k: (t.iri(p), typ) for k, (p, typ) in EDGE_PROPS.items()}
        self._rel = {e: t.iri(p) for e, p in EDGE_PREDICATE.items()}
        self._cito = {k: t.iri(p) for k, p in USES_CITO.items()}
        self._p_id = t.iri(PKG.id)
        self._p_extra = t.iri(PKG.extra)
        self._p_code = t.iri(SCHEMA.codeRepository)
        self._p_subject = t.iri(PKG.subject)
        self._p_object = t.iri(PKG.object)
        self._p_relation = t.iri(PKG.relation)
        self._ev_type = f"{self._a} {t.iri(PKG.Evidence)}"
        self._extras: dict[Any, str] = {}

    # one subject with its "predicate object" pairs
    def _write(self, text: str) -> None:
        # Blocks are gathered and encoded a few thousand at a time; an ASCII block's length in
        # UTF-8 is its length.
        self._buf.append(text)
        self._pos += len(text) if text.isascii() else len(text.encode())
        if len(self._buf) >= 4096:
            self._flush()

    def _flush(self) -> None:
        self._out.write("".join(self._buf).encode())
        self._buf.clear()

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

    def node_pairs(self, node: Node) -> tuple[str, list[str]]:
        """A node's subject term and its "predicate object" pairs: types, ``pkg:id``, properties."""
        term = self._node_term(node.id, node.kind)
        po = list(self._type_pairs[node.kind])
        po.append(f"{self._p_id} {self._t.string(node.id)}")
        self._props(node.props, self._np, po)
        if node.kind is NodeKind.REPOSITORY and type(node.props.get("url")) is str:
            po.append(f"{self._p_code} {self._t.string(node.props['url'])}")
        return term, po

    def write_node(self, node: Node) -> None:
        """Write one node: its types, ``pkg:id`` and properties (one subject block)."""
        if node.id in self._nodes:
            raise SinkError(f"node {node.id} written twice")
        term, po = self.node_pairs(node)
        self._nodes[node.id] = _Node(term, node.kind)
        self._written += 1
        start = self._pos
        self._emit(term, po, self._type_extra[node.kind])
        if self.record:
            self.node_spans.add(node.id, start, self._pos)

    def node_text(self, node: Node) -> bytes:
        """The block :meth:`write_node` would write for ``node`` (not written)."""
        return self._block(*self.node_pairs(node)).encode()

    def edge_text(self, edge: Edge) -> bytes:
        """The blocks :meth:`write_edge` would write for ``edge`` (not written)."""
        return "".join(self._block(s, po) for s, po in self.edge_blocks(edge)).encode()

    def know(self, node_id: str, kind: NodeKind) -> None:
        """A node the file already holds, which edges written now may join."""
        if node_id not in self._nodes:
            self._nodes[node_id] = _Node(self._node_term(node_id, kind), kind)

    def edge_blocks(self, edge: Edge) -> list[tuple[str, list[str]]]:
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

    def write_edge(self, edge: Edge) -> None:
        """Write one edge: the direct triple (+ its CiTO twin) and, when it has properties, its evidence."""
        start = self._pos
        for subject, po in self.edge_blocks(edge):
            self._emit(subject, po)
        self._edges += 1
        if self.record and self._nodes[edge.source].kind is not NodeKind.PAPER:
            self.edge_spans[(edge.source, edge.target, edge.type.value)] = (start, self._pos)

    @property
    def spans(self) -> tuple[dict[str, tuple[int, int]], dict[tuple[str, str, str], tuple[int, int]]]:
        """With ``record``: where each node's block lies, and each edge's that does not start at a
        paper, by node id and edge key."""
        return self.node_spans.as_dict(), self.edge_spans

    def getvalue(self) -> bytes:
        """What a ``memory`` sink holds."""
        assert isinstance(self._out, io.BytesIO)
        self._flush()
        return self._out.getvalue()

    def finalize(self) -> SinkReport:
        if self.memory:
            return SinkReport(self._written, self._edges, "memory")
        try:
            self._flush()
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


# -- reading RDF back -------------------------------------------------------------------------------


def guess_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise RdfFormatError(f"unknown RDF format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise RdfFormatError(f"{path}: cannot tell the RDF format from the extension {ext!r}")
    return EXTENSIONS[ext]


def _value(term: Any) -> Any:
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
    restored from the terms :class:`RdfSink` writes; standard-vocabulary duplicates are ignored.
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
    return _build_graph(subjects, base_iri, str(path))


def _build_graph(subjects: Mapping[str, _Subject], base_iri: str, where: str) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    ids: dict[str, str] = {}
    evidence_cls = str(PKG.Evidence)
    p_id, p_extra = str(PKG.id), str(PKG.extra)
    evidence: list[_Subject] = []
    for iri, sub in subjects.items():
        kind = next((CLASS_KIND[c] for c in sub.types if c in CLASS_KIND), None)
        if kind is None:
            if evidence_cls in sub.types:
                evidence.append(sub)
            continue
        given = sub.props.get(p_id)
        nid = given[0].value if given else node_id_from_iri(iri, base_iri)[0]
        ids[iri] = nid
        props: dict[str, Any] = {}
        for pred, objs in sub.props.items():
            spec = _NODE_PRED_KEY.get(pred)
            if spec is None:
                continue
            key, typ = spec
            props[key] = [o.value for o in objs] if typ == LIST else _value(objs[0])
        if p_extra in sub.props:
            props.update(json.loads(sub.props[p_extra][0].value))
        kg.add_node(Node(nid, kind, props))

    def node_id(term: Any) -> str:
        iri = term.value
        if iri in ids:
            return ids[iri]
        return node_id_from_iri(iri, base_iri)[0]

    seen: set[tuple[str, str, str]] = set()
    p_subject, p_object, p_relation = str(PKG.subject), str(PKG.object), str(PKG.relation)
    for sub in evidence:
        try:
            s, o, r = sub.props[p_subject][0], sub.props[p_object][0], sub.props[p_relation][0]
        except KeyError as exc:
            raise RdfFormatError(f"{where}: an evidence node lacks {exc.args[0]}") from None
        etype = PREDICATE_EDGE.get(r.value)
        if etype is None:
            raise RdfFormatError(f"{where}: unknown relation {r.value}")
        props = {}
        for pred, objs in sub.props.items():
            spec = _EDGE_PRED_KEY.get(pred)
            if spec is None:
                continue
            key, typ = spec
            props[key] = node_id(objs[0]) if typ == NODE else _value(objs[0])
        if p_extra in sub.props:
            props.update(json.loads(sub.props[p_extra][0].value))
        _add_edge(kg, Edge(node_id(s), node_id(o), etype, props), where)
        seen.add((s.value, etype.value, o.value))
    # direct triples without an evidence node (hand-written data): edges without properties
    for iri, sub in subjects.items():
        if iri not in ids:
            continue
        for pred, objs in sub.props.items():
            etype = PREDICATE_EDGE.get(pred)
            if etype is None:
                continue
            for o in objs:
                if (iri, etype.value, o.value) not in seen:
                    _add_edge(kg, Edge(ids[iri], node_id(o), etype, {}), where)
    return kg


def _add_edge(kg: KnowledgeGraph, edge: Edge, where: str) -> None:
    try:
        kg.add_edge(edge)
    except KeyError as exc:
        raise RdfFormatError(f"{where}: {exc.args[0]}") from None


# -- SPARQL -----------------------------------------------------------------------------------------

_VALUES_ARG = "VALUES ?arg_{name} {{"
_LIMIT = re.compile(r"\bLIMIT\s+\d+", re.IGNORECASE)


def _sparql_literal(value: Any) -> str:
    # pyoxigraph renders the literal with N-Triples escaping, which SPARQL accepts as is.
    return str(ox.Literal(value))


def bind_sparql(query: SavedQuery, params: Mapping[str, Any]) -> str:
    """The query text with its parameters bound as typed literals.

    A parameter ``x`` is declared in the header (``# param x: str``) and used in the body through
    ``VALUES ?arg_x { ... }`` (the braces get the literal); ``limit`` replaces the ``LIMIT n``
    clause (an integer, checked). Values never reach the text unescaped.
    """
    text = query.text
    known = {p.name for p in query.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise QueryError(f"query {query.name} has no parameter {', '.join(unknown)}")
    for p in query.params:
        value = params.get(p.name, p.default)
        if value is None:
            raise QueryError(f"query {query.name} needs --param {p.name}=...")
        if isinstance(value, str) and p.type == "int":
            value = p.coerce(value)
        if p.type == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise QueryError(f"parameter {p.name} must be an integer, got {value!r}")
        elif not isinstance(value, str):
            raise QueryError(f"parameter {p.name} must be a string, got {value!r}")
        if p.name == "limit":
            if value < 0:
                raise QueryError(f"parameter limit must be >= 0, got {value}")
            text, n = _LIMIT.subn(f"LIMIT {value}", text)
        else:
            text, n = _bind_values(text, p.name, _sparql_literal(value))
        if n == 0:
            raise QueryError(f"query {query.name}: parameter {p.name} is declared but not used")
    return text


def _bind_values(text: str, name: str, literal: str) -> tuple[str, int]:
    opening = _VALUES_ARG.format(name=name)
    out: list[str] = []
    pos = n = 0
    while (i := text.find(opening, pos)) >= 0:
        j = text.find("}", i)
        if j < 0:
            break
        out.append(text[pos : i + len(opening)])
        out.append(f" {literal} ")
        pos = j
        n += 1
    out.append(text[pos:])
    return "".join(out), n


_store_cache: dict[tuple[str, int, int, str], ox.Store] = {}


def load_store(graph_path: str | os.PathLike[str], fmt: str | None = None) -> ox.Store:
    """An in-memory pyoxigraph store holding the RDF file (the last one loaded is cached)."""
    fmt = guess_format(graph_path, fmt)
    p = Path(graph_path)
    try:
        st = p.stat()
    except OSError as exc:
        raise QueryError(f"{p}: {exc.strerror}") from exc
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size, fmt)
    store = _store_cache.get(key)
    if store is None:
        store = ox.Store()
        try:
            store.bulk_load(path=p, format=FORMATS[fmt])
        except SyntaxError as exc:
            raise QueryError(f"{p}: not valid {fmt}: {exc}") from exc
        if len(store) == 0:
            raise QueryError(f"{p}: no RDF triples in it as {fmt} (is it an RDF export of a graph?)")
        _store_cache.clear()
        _store_cache[key] = store
    return store


def run_sparql(
    query: SavedQuery,
    params: Mapping[str, Any],
    graph_path: str | os.PathLike[str],
    fmt: str | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a saved SPARQL query on an RDF export; returns (columns, rows).

    Integer and double literals come back as ``int`` / ``float``, other literals and IRIs as
    ``str``, unbound values as ``None``.
    """
    text = bind_sparql(query, params)
    store = load_store(graph_path, fmt)
    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise QueryError(f"query {query.name}: {exc}") from exc
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"query {query.name} is not a SELECT query")
    columns = [v.value for v in result.variables]
    rows = [{c: _cell(sol[c]) for c in columns} for sol in result]
    return columns, rows


def _cell(term: Any) -> Any:
    return None if term is None else _value(term)


__all__ = [
    "FORMATS",
    "RdfFormatError",
    "RdfSink",
    "bind_sparql",
    "evidence_iri",
    "graph_from_rdf",
    "load_store",
    "node_id_from_iri",
    "node_iri",
    "run_sparql",
    "write_rdf",
]
